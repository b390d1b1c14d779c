package org.dice4j.jmh;

import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import java.lang.foreign.Arena;
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
 * What the cross-entropy part costs: the workload's Dice loss with and without λ_ce = 1, forward
 * ({@code lossValue}) and forward+backward ({@code lossValueAndGradient}), in the same run so that the ratios
 * {@code diceCrossEntropy* / dice*} compare like with like (issue 5 asks for at most 1.25).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class CrossEntropyBenchmark {

    /** The Dice + CE loss, checked against the reference once, and one gradient buffer per input copy. */
    @State(Scope.Benchmark)
    public static class WithCrossEntropy {
        /** Agreement of the loss value with the reference's (the cross-entropy is a mean of per-voxel floats). */
        static final double AGREEMENT = 1e-5;

        DiceLoss loss;
        private Arena arena;
        private Tensor[] gradients;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            loss = data.loss.toBuilder().lambdaCrossEntropy(1).build();
            arena = Arena.ofShared();
            gradients = new Tensor[data.copies()];
            for (int copy = 0; copy < gradients.length; copy++) {
                Tensor logits = data.logits(copy);
                gradients[copy] = Tensor.of(arena.allocate(logits.byteSize(), 64), DType.FLOAT32, logits.shape());
            }
            double fast = loss.lossValue(data.logits(0), data.target(0));
            double reference = loss.toBuilder().referenceKernels(true).build().lossValue(data.logits(0), data.target(0));
            if (!(Math.abs(fast - reference) <= AGREEMENT * Math.abs(reference))) {
                throw new IllegalStateException("Dice + CE: vector loss " + fast + " vs reference " + reference);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        Tensor gradient(int copy) {
            return gradients[copy];
        }
    }

    @Benchmark
    public double dice(Data data) {
        int copy = data.next();
        return data.loss.lossValue(data.logits(copy), data.target(copy));
    }

    @Benchmark
    public double diceCrossEntropy(Data data, WithCrossEntropy ce) {
        int copy = data.next();
        return ce.loss.lossValue(data.logits(copy), data.target(copy));
    }

    @Benchmark
    public double diceBackward(Data data, WithCrossEntropy ce) {
        int copy = data.next();
        return data.loss.lossValueAndGradient(data.logits(copy), data.target(copy), ce.gradient(copy));
    }

    @Benchmark
    public double diceCrossEntropyBackward(Data data, WithCrossEntropy ce) {
        int copy = data.next();
        return ce.loss.lossValueAndGradient(data.logits(copy), data.target(copy), ce.gradient(copy));
    }
}
