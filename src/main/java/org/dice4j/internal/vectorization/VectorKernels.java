package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import org.dice4j.DType;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.StatisticsPass;

/**
 * Statistics kernels on the incubating Vector API, vectorized across voxels: in channels-first data every class of
 * a voxel vector sits at the same offset of its channel plane.
 *
 * <p>Each image is cut into chunks of CHUNK_VECTORS vectors (ChunkGeometry). For a chunk, one stage writes the labels
 * (as checked ints) and the probabilities (sigmoid, softmax or identity) into small per-thread arrays (Scratch); a
 * second stage accumulates the statistics of each class from them (LaneSums). Float lanes accumulate over blocks of
 * BLOCK_VECTORS vectors, then each lane is added into a double; PassDriver cuts a pass into tasks and adds their sums
 * in task order. The same chunks and tasks carry the gradient pass (which may read probabilities the statistics pass
 * stored in the gradient buffer); the hard metric's counts have their own engine (HardCounts).
 *
 * <p>Why stages: C2 stops inlining the Vector API's methods past a budget of inlined bytecode per compiled method;
 * past it, vectors become heap objects and every iteration allocates. A loop that fused activation, label decoding
 * and four accumulators exceeded the budget (and allocated 24 bytes per element); the staged loops are small
 * enough, and the staging arrays stay in L1. Which stages a pass runs: Plans.
 */
public final class VectorKernels implements Kernels {
    public VectorKernels() {
        if (LANES < 4) {
            throw new UnsupportedOperationException("fewer than 4 float lanes");
        }
        // Checked now: a bad -Ddice4j.coldStart fails the kernels' loading (with its message), not a pass.
        ColdStart.Mode.parse(System.getProperty(ColdStart.MODE_PROPERTY, "auto"));
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String toString() {
        return "vector kernels: " + VectorConstants.describe();
    }

    @Override
    public void statistics(StatisticsPass pass, double[] out) {
        PassDriver.runStatistics(pass, out, Plans.statistics(pass, LayoutStaging.staged(pass)), null);
    }

    /**
     * Statistics, and every probability written into {@code gradient} for the gradient pass to read (one float
     * store per element instead of a second exp). Labels are checked in a pass of their own first, so that a label
     * out of range throws before anything is written.
     */
    @Override
    public boolean statisticsForGradient(StatisticsPass pass, double[] out, MemorySegment gradient) {
        if (LayoutStaging.staged(pass)) {
            // Staged chunks: the gradient pass computes the activation again on its own staged copy. Storing p would
            // cost a transposed or converted write now and a read then; for region chunks, p copied untransposed into
            // each chunk's own bytes of the gradient buffer and read back was not faster (benchmarks.md).
            statistics(pass, out);
            return false;
        }
        if (!pass.denseTarget()) {
            PassDriver.checkLabels(pass);
        }
        PassDriver.runStatistics(pass, out, Plans.storing(pass), gradient);
        return true;
    }

    @Override
    public void gradient(GradientPass gradientPass) {
        StatisticsPass pass = gradientPass.statistics();
        boolean staged = LayoutStaging.staged(pass) || gradientPass.gradientType() != DType.FLOAT32;
        PassDriver.runGradient(gradientPass, Plans.gradient(pass, staged, gradientPass.probabilitiesStored()), staged);
    }

    /** Argmax predictions against a label map and thresholds run vectorized (HardCounts), others on the reference. */
    @Override
    public void counts(CountPass pass, long[] out) {
        HardCounts.counts(pass, out);
    }
}
