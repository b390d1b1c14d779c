package org.dice4j.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.dice4j.Tensor;
import org.dice4j.internal.GradientPass;
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
 * bfloat16 logits against float32 ones: the workload's logits rounded to bfloat16 (half the bytes), the same loss
 * forward ({@code lossValue}) on both in the same run (issue 8 asks for bfloat16 faster than float32 on a memory-bound
 * shape), with the workload's activation and with none (inputs taken as probabilities: no exp, so the pass is bound
 * by its reads). The setup checks that the two losses agree to bfloat16's precision.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class HalfPrecisionBenchmark {

    /** The bfloat16 copy of copy 0 of the logits. */
    @State(Scope.Benchmark)
    public static class Half {
        private Arena arena;
        Tensor logits;
        /** The same loss on probabilities (activation NONE): no exp, so the pass is bound by its reads. */
        org.dice4j.DiceLoss identity;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            arena = Arena.ofShared();
            Tensor first = data.logits(0);
            MemorySegment half = arena.allocate(first.elementCount() * Short.BYTES, 64);
            for (long i = 0; i < first.elementCount(); i++) {
                half.setAtIndex(ValueLayout.JAVA_SHORT, i,
                        GradientPass.toBfloat16(first.segment().getAtIndex(ValueLayout.JAVA_FLOAT, i)));
            }
            logits = Tensor.of(half, DType.BFLOAT16, first.shape());
            identity = data.loss.toBuilder().activation(org.dice4j.Activation.NONE).build();
            double single = data.loss.lossValue(first, data.target(0));
            double bfloat = data.loss.lossValue(logits, data.target(0));
            if (!(Math.abs(single - bfloat) <= 1e-2 * Math.abs(single))) {
                throw new IllegalStateException("bfloat16 loss " + bfloat + " far from float32 " + single);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public double float32(Data data) {
        return data.loss.lossValue(data.logits(0), data.target(0));
    }

    @Benchmark
    public double bfloat16(Data data, Half half) {
        return data.loss.lossValue(half.logits, data.target(0));
    }

    @Benchmark
    public double float32Identity(Data data, Half half) {
        return half.identity.lossValue(data.logits(0), data.target(0));
    }

    @Benchmark
    public double bfloat16Identity(Data data, Half half) {
        return half.identity.lossValue(half.logits, data.target(0));
    }
}
