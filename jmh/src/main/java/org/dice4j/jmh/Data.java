package org.dice4j.jmh;

import java.lang.foreign.MemorySegment;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.StatisticsPass;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The inputs every benchmark reads, built once per fork, and the self-check: before any measurement the vector
 * and scalar kernels must produce the same statistics (relative 1e-5) on exactly these inputs, and the public
 * loss must run on the vector kernels; otherwise the trial fails (run with {@code -foe true} to stop there).
 */
@State(Scope.Benchmark)
public class Data {
    /** Relative tolerance of the vector statistics against the double-precision reference. */
    static final double AGREEMENT = 1e-5;

    /** See {@link Workload}. */
    @Param({"sigmoid-dense", "sigmoid-dense-odd", "softmax-labels", "softmax-2d", "softmax-small"})
    public String workload;

    /** Threads of the public loss (DiceLoss.threads): the kernel-level benchmarks always run on one. */
    @Param({"1"})
    public int threads;

    /** native (default), heap or mixed: see {@link Inputs}. */
    @Param({"native"})
    public String memory;

    Inputs inputs;
    Kernels vector;
    Kernels scalar;
    DiceLoss loss;
    /** Preallocated output of the kernel-level benchmarks: they allocate nothing per call. */
    double[] out;
    long elements;
    boolean denseTarget;

    private StatisticsPass[] passes;
    private Tensor[] logits;
    private Tensor[] targets;
    private MemorySegment[] logitSegments;
    private MemorySegment[] targetSegments;
    /** The copy the next call reads, and 1 when calls alternate between two copies (mixed), else 0. */
    private int turn;
    private int toggle;

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = Workload.of(workload);
        inputs = Inputs.create(w, Inputs.Memory.of(memory));
        vector = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "vector kernels unavailable: the fork needs --add-modules=jdk.incubator.vector"));
        scalar = KernelProvider.scalar();
        loss = w.loss().toBuilder().threads(threads).build();
        if (!loss.kernelName().equals("vector")) {
            throw new IllegalStateException("DiceLoss.forward runs on the " + loss.kernelName() + " kernels, expected vector");
        }
        int copies = inputs.copies();
        passes = new StatisticsPass[copies];
        logits = new Tensor[copies];
        targets = new Tensor[copies];
        logitSegments = new MemorySegment[copies];
        targetSegments = new MemorySegment[copies];
        for (int copy = 0; copy < copies; copy++) {
            passes[copy] = inputs.pass(copy);
            logits[copy] = inputs.logits(copy);
            targets[copy] = inputs.target(copy);
            logitSegments[copy] = logits[copy].segment();
            targetSegments[copy] = targets[copy].segment();
        }
        toggle = copies == 2 ? 1 : 0;
        turn = 0;
        elements = w.elements();
        denseTarget = passes[0].denseTarget();
        out = new double[passes[0].outputLength()];
        for (StatisticsPass pass : passes) {
            checkAgreement(w + "/" + memory, vector, scalar, pass);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.close();
    }

    /** Throws unless {@code fast} and {@code reference} agree to {@link #AGREEMENT} on every statistic of {@code pass}. */
    static void checkAgreement(String what, Kernels fast, Kernels reference, StatisticsPass pass) {
        double[] expected = new double[pass.outputLength()];
        double[] actual = new double[pass.outputLength()];
        reference.statistics(pass, expected);
        fast.statistics(pass, actual);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= AGREEMENT * Math.max(Math.abs(expected[i]), 1.0))) {
                int term = i / StatisticsPass.STATS;
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "%s: %s kernels disagree with %s at image %d, class %d, statistic %d: %.9g vs %.9g"
                                + " (relative %.3g > %.0e)",
                        what, fast.name(), reference.name(), term / pass.classes(), term % pass.classes(),
                        i % StatisticsPass.STATS, actual[i], expected[i], error / Math.abs(expected[i]), AGREEMENT));
            }
        }
    }

    /** How many input copies the benchmarks alternate between (1, or 2 when mixed). */
    int copies() {
        return logits.length;
    }

    /** The copy the next call reads: always 0, or 0, 1, 0, 1, … when mixed. */
    int next() {
        int copy = turn;
        turn ^= toggle;
        return copy;
    }

    StatisticsPass pass(int copy) {
        return passes[copy];
    }

    Tensor logits(int copy) {
        return logits[copy];
    }

    Tensor target(int copy) {
        return targets[copy];
    }

    MemorySegment logitSegment(int copy) {
        return logitSegments[copy];
    }

    MemorySegment targetSegment(int copy) {
        return targetSegments[copy];
    }
}
