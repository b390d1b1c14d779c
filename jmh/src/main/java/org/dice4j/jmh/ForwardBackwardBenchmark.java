package org.dice4j.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and backward through the public, allocation-free entry point {@code DiceLoss.lossValueAndGradient}: the
 * statistics pass, the loss, the coefficients of ∂L/∂p and the gradient pass writing ∂L/∂logits into a
 * preallocated off-heap buffer. {@code vector} runs the fast kernels, {@code scalar} the double reference. Compare
 * with {@link ForwardBenchmark#lossValue} (the forward alone) and the rooflines of the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// The schedule of the other benchmarks, so that ratios compare like with like.
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class ForwardBackwardBenchmark {

    /** One off-heap gradient buffer of the logits' shape per input copy, checked against the reference once. */
    @State(Scope.Benchmark)
    public static class Gradients {
        /** Agreement of the vector gradient with the reference: relative to the largest reference element. */
        static final double AGREEMENT = 1e-4;

        private Arena arena;
        private Tensor[] gradients;
        DiceLoss reference;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            arena = Arena.ofShared();
            gradients = new Tensor[data.copies()];
            for (int copy = 0; copy < gradients.length; copy++) {
                Tensor logits = data.logits(copy);
                gradients[copy] = Tensor.of(arena.allocate(logits.byteSize(), 64), DType.FLOAT32, logits.shape());
            }
            reference = data.loss.toBuilder().referenceKernels(true).build();
            checkAgreement(data);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        Tensor gradient(int copy) {
            return gradients[copy];
        }

        private void checkAgreement(Data data) {
            Tensor logits = data.logits(0);
            Tensor target = data.target(0);
            Tensor expected = Tensor.of(arena.allocate(logits.byteSize(), 64), DType.FLOAT32, logits.shape());
            reference.lossValueAndGradient(logits, target, expected);
            data.loss.lossValueAndGradient(logits, target, gradients[0]);
            MemorySegment want = expected.segment();
            MemorySegment got = gradients[0].segment();
            double largest = 0;
            for (long i = 0; i < logits.elementCount(); i++) {
                largest = Math.max(largest, Math.abs(want.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
            }
            for (long i = 0; i < logits.elementCount(); i++) {
                double error = Math.abs(got.getAtIndex(ValueLayout.JAVA_FLOAT, i) - want.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                if (!(error <= AGREEMENT * largest)) {
                    throw new IllegalStateException("vector gradient disagrees with the reference at element " + i
                            + ": " + got.getAtIndex(ValueLayout.JAVA_FLOAT, i) + " vs "
                            + want.getAtIndex(ValueLayout.JAVA_FLOAT, i) + " (largest " + largest + ")");
                }
            }
        }
    }

    @Benchmark
    public double vector(Data data, Gradients gradients) {
        int copy = data.next();
        return data.loss.lossValueAndGradient(data.logits(copy), data.target(copy), gradients.gradient(copy));
    }

    @Benchmark
    public double scalar(Data data, Gradients gradients) {
        int copy = data.next();
        return gradients.reference.lossValueAndGradient(data.logits(copy), data.target(copy), gradients.gradient(copy));
    }
}
