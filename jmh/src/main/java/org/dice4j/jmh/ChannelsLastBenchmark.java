package org.dice4j.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.dice4j.Layout;
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
 * Channels-last against channels-first: the workload's logits (and a dense target) copied into (N, spatial…, C)
 * order, the same loss forward ({@code lossValue}) and forward+backward ({@code lossValueAndGradient}) on both, in
 * the same run (issue 8 asks for channels-last within 1.5× of channels-first on (2,14,96³)). The setup checks that
 * both layouts give the same loss within the tolerance of ChannelsLastTest (up to 16 classes the vector kernels sum
 * channels-last statistics in another order).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class ChannelsLastBenchmark {

    /** The channels-last copy of copy 0 of the inputs, and a gradient buffer for each layout. */
    @State(Scope.Benchmark)
    public static class Last {
        private Arena arena;
        Tensor logits;
        Tensor target;
        Tensor gradientFirst;
        Tensor gradientLast;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            arena = Arena.ofShared();
            Tensor first = data.logits(0);
            long[] shape = first.shape();
            long[] lastShape = new long[shape.length];
            lastShape[0] = shape[0];
            System.arraycopy(shape, 2, lastShape, 1, shape.length - 2);
            lastShape[shape.length - 1] = shape[1];
            logits = Tensor.of(transpose(first, shape), DType.FLOAT32, lastShape).withLayout(Layout.CHANNELS_LAST);
            target = data.target(0).dtype() == DType.FLOAT32
                    ? Tensor.of(transpose(data.target(0), shape), DType.FLOAT32, lastShape).withLayout(Layout.CHANNELS_LAST)
                    : data.target(0);
            gradientFirst = Tensor.of(arena.allocate(first.byteSize(), 64), DType.FLOAT32, shape);
            gradientLast = Tensor.of(arena.allocate(first.byteSize(), 64), DType.FLOAT32, lastShape)
                    .withLayout(Layout.CHANNELS_LAST);
            double expected = data.loss.lossValue(first, data.target(0));
            double actual = data.loss.lossValue(logits, target);
            if (!(Math.abs(expected - actual) <= 1e-4 + 1e-4 * Math.abs(expected))) {
                throw new IllegalStateException("channels-last loss " + actual + " differs from channels-first " + expected);
            }
        }

        private MemorySegment transpose(Tensor channelsFirst, long[] shape) {
            long images = shape[0];
            long classes = shape[1];
            long voxels = channelsFirst.elementCount() / (images * classes);
            MemorySegment source = channelsFirst.segment();
            MemorySegment last = arena.allocate(channelsFirst.byteSize(), 64);
            for (long n = 0; n < images; n++) {
                for (long v = 0; v < voxels; v++) {
                    for (long c = 0; c < classes; c++) {
                        last.setAtIndex(ValueLayout.JAVA_FLOAT, (n * voxels + v) * classes + c,
                                source.getAtIndex(ValueLayout.JAVA_FLOAT, (n * classes + c) * voxels + v));
                    }
                }
            }
            return last;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public double channelsFirst(Data data) {
        return data.loss.lossValue(data.logits(0), data.target(0));
    }

    @Benchmark
    public double channelsLast(Data data, Last last) {
        return data.loss.lossValue(last.logits, last.target);
    }

    @Benchmark
    public double channelsFirstBackward(Data data, Last last) {
        return data.loss.lossValueAndGradient(data.logits(0), data.target(0), last.gradientFirst);
    }

    @Benchmark
    public double channelsLastBackward(Data data, Last last) {
        return data.loss.lossValueAndGradient(last.logits, last.target, last.gradientLast);
    }
}
