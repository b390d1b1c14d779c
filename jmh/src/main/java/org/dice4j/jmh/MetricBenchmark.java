package org.dice4j.jmh;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hard Dice/IoU metric through {@code DiceMetric.compute}: on softmax workloads the fused argmax counting pass,
 * to compare with {@link RooflineBenchmark#readOnly} (a vector sum over the same bytes) of the same run; on sigmoid
 * workloads the per-channel threshold, which runs on the reference code. {@code scalar} is the reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class MetricBenchmark {

    /** The metric on both kernels, checked to give the same counts once. */
    @State(Scope.Benchmark)
    public static class Metrics {
        DiceMetric fast;
        DiceMetric reference;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            fast = DiceMetric.builder().reduction(MetricReduction.NONE).build();
            reference = fast.toBuilder().referenceKernels(true).build();
            MetricResult expected = reference.compute(data.logits(0), data.target(0));
            MetricResult actual = fast.compute(data.logits(0), data.target(0));
            if (!Arrays.deepEquals(expected.intersection(), actual.intersection())
                    || !Arrays.deepEquals(expected.predicted(), actual.predicted())
                    || !Arrays.deepEquals(expected.target(), actual.target())) {
                throw new IllegalStateException("fast and reference metric counts differ on " + data.workload);
            }
        }
    }

    @Benchmark
    public MetricResult vector(Data data, Metrics metrics) {
        int copy = data.next();
        return metrics.fast.compute(data.logits(copy), data.target(copy));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
    public MetricResult scalar(Data data, Metrics metrics) {
        int copy = data.next();
        return metrics.reference.compute(data.logits(copy), data.target(copy));
    }
}
