package org.dice4j.jmh;

import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The inputs of the roofline benchmarks: the same data as {@link Data} (same generator and seed), without the
 * library. The rooflines' forks run nothing but their own loop before measuring, because C2 compiles from profiles
 * and class-hierarchy facts that other code in the JVM changes: with a {@code @TearDown} method holding vector code
 * on the benchmark class itself (never run before the measurement), a class loaded during warm-up deoptimized the
 * {@code lanewise(EXP)} loop and its recompiled version ran at 530 µs instead of 335 µs per call on sigmoid-dense,
 * allocating a few KB per call. Hence the check of the kernels' exp ({@code VectorMath}) here, at tear-down.
 */
@State(Scope.Benchmark)
public class RooflineData {
    /** See {@link Workload}. */
    @Param({"sigmoid-dense", "sigmoid-dense-odd", "softmax-labels", "softmax-2d", "softmax-small"})
    public String workload;

    /** native (default), heap or mixed: see {@link Inputs}. */
    @Param({"native"})
    public String memory;

    long elements;
    boolean denseTarget;

    private Inputs inputs;
    private MemorySegment[] logitSegments;
    private MemorySegment[] targetSegments;
    private int turn;
    private int toggle;

    @Setup(Level.Trial)
    public void setUp() {
        inputs = Inputs.create(Workload.of(workload), Inputs.Memory.of(memory));
        int copies = inputs.copies();
        logitSegments = new MemorySegment[copies];
        targetSegments = new MemorySegment[copies];
        for (int copy = 0; copy < copies; copy++) {
            logitSegments[copy] = inputs.logits(copy).segment();
            targetSegments[copy] = inputs.target(copy).segment();
        }
        toggle = copies == 2 ? 1 : 0;
        elements = inputs.workload().elements();
        denseTarget = inputs.workload().targetType() == org.dice4j.DType.FLOAT32;
    }

    /**
     * Closes the inputs, and checks that the kernels' exp is an exp (within 4 ulp of {@link Math#exp}). After the measurement, not before: vector
     * code run first can change what C2 makes of the measured loop (see the class comment).
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        inputs.close();
        for (float x = -87f; x <= 88f; x += 0.01f) {
            float expected = (float) Math.exp(x);
            float actual = org.dice4j.internal.vectorization.VectorMath.exp(x);
            if (!(Math.abs(actual - expected) <= 4 * Math.ulp(expected))) {
                throw new IllegalStateException("VectorMath.exp(" + x + ") = " + actual + ", Math.exp gives " + expected);
            }
        }
    }

    /** The copy the next call reads: always 0, or 0, 1, 0, 1, … when mixed. */
    int next() {
        int copy = turn;
        turn ^= toggle;
        return copy;
    }

    MemorySegment logitSegment(int copy) {
        return logitSegments[copy];
    }

    MemorySegment targetSegment(int copy) {
        return targetSegments[copy];
    }
}
