package org.dice4j.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The forward statistics pass at the kernel level: {@code Kernels.statistics(pass, out)} with a preallocated
 * {@code out}, the path that allocates nothing per call ({@code -prof gc} should show ≈ 0 B/op). {@code vector} is
 * the fused Vector API kernel, {@code scalar} the double-precision reference on the same inputs.
 *
 * <p>Every fork gets the incubator module, the scalar one too: its {@code @Setup} compares the two kernels, and the
 * scalar kernels never touch the Vector API, so the module does not change what {@code scalar} measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// 4 × 1 s of warm-up: the kernel's block methods are called ~1000 times per call, so C2 has compiled them within
// the first iteration; the remaining three absorb the later recompilations and the page faults of first touch.
@Warmup(iterations = 4, time = 1)
// 6 × 1 s: ~35 calls per iteration on the big shape, ~1500 on the small ones.
@Measurement(iterations = 6, time = 1)
// Three forks: on this shared two-core VM, fork-to-fork variance (code layout, neighbours' load) is larger than
// iteration variance; three forks of 6 iterations beat two of 8. A fixed 2 GB heap keeps GC sizing out of the picture.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class StatisticsBenchmark {

    @Benchmark
    public double[] vector(Data data) {
        data.vector.statistics(data.pass(data.next()), data.out);
        return data.out;
    }

    @Benchmark
    // The reference needs ~0.5 s per call on softmax-labels (10 ms on the small shapes): 2 × 2 s of warm-up (its
    // loops are OSR-compiled during the first call and the @Setup check has already run it once), then 4 × 2 s
    // measured, at least three whole calls each.
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 4, time = 2)
    // Two forks, not three: the reference only sets the scale of a ≥ 10× speed-up, and it is the slow one.
    @Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
    public double[] scalar(Data data) {
        data.scalar.statistics(data.pass(data.next()), data.out);
        return data.out;
    }
}
