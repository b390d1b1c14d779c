package org.dice4j.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dice4j.Activation;

/**
 * The reference implementation: double precision, {@link Math#exp}, one element at a time, written the obvious
 * way. It is the oracle every fast kernel is tested against, and the fallback when the Vector API is absent. An
 * interrupt of the calling thread stops a pass between images (Parallelism#checkInterrupted). The per-voxel
 * arithmetic is {@link ScalarRanges}'s, which the vector kernels use for their tails.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void statistics(StatisticsPass pass, double[] out) {
        Arrays.fill(out, 0, pass.outputLength(), 0.0);
        if (pass.activation() == Activation.SOFTMAX) {
            softmaxStatistics(pass, out);
        } else {
            elementwiseStatistics(pass, out);
        }
    }

    private static void elementwiseStatistics(StatisticsPass pass, double[] out) {
        for (long n = 0; n < pass.images(); n++) {
            Parallelism.checkInterrupted();
            ScalarRanges.elementwiseRange(pass, out, n, 0, pass.voxels());
        }
    }

    private static void softmaxStatistics(StatisticsPass pass, double[] out) {
        for (long n = 0; n < pass.images(); n++) {
            Parallelism.checkInterrupted();
            ScalarRanges.softmaxRange(pass, out, n, 0, pass.voxels());
        }
    }

    /** Computes the activation from the logits again, in double: the oracle stores nothing in float. */
    @Override
    public boolean statisticsForGradient(StatisticsPass pass, double[] out, MemorySegment gradient) {
        statistics(pass, out);
        return false;
    }

    @Override
    public void gradient(GradientPass pass) {
        StatisticsPass statistics = pass.statistics();
        for (long n = 0; n < statistics.images(); n++) {
            Parallelism.checkInterrupted();
            if (statistics.activation() == Activation.SOFTMAX) {
                ScalarRanges.softmaxGradientRange(pass, n, 0, statistics.voxels());
            } else {
                ScalarRanges.elementwiseGradientRange(pass, n, 0, statistics.voxels());
            }
        }
    }

    @Override
    public void counts(CountPass pass, long[] out) {
        ScalarRanges.counts(pass, out);
    }
}
