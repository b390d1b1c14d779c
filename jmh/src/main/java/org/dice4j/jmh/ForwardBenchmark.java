package org.dice4j.jmh;

import java.util.concurrent.TimeUnit;
import org.dice4j.LossResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The public API as users call it, on the vector kernels: {@code DiceLoss.forward(logits, target)} (validation,
 * statistics and the {@link LossResult} with its per-term arrays) and {@code DiceLoss.lossValue(logits, target)}
 * (the same loss as a double, with per-thread scratch instead of a result object). Against
 * {@link StatisticsBenchmark#vector} they show what the checks and the result object cost (time and
 * {@code gc.alloc.rate.norm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// Same schedule as StatisticsBenchmark.vector, so that the two are comparable: 4 × 1 s warm-up (compiled in the
// first), 6 × 1 s measured.
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
// Three forks for run-to-run variance, fixed heap so that GC sizing does not move between forks.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class ForwardBenchmark {

    @Benchmark
    public LossResult forward(Data data) {
        int copy = data.next();
        return data.loss.forward(data.logits(copy), data.target(copy));
    }

    @Benchmark
    public double lossValue(Data data) {
        int copy = data.next();
        return data.loss.lossValue(data.logits(copy), data.target(copy));
    }
}
