package org.dice4j.jmh;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dice4j.internal.vectorization.VectorMath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Upper bounds for the fused kernels on the same data, written as plainly as the Vector API allows:
 * <ul>
 *   <li>{@code expOnly}: one {@code lanewise(EXP)} per logit added into two accumulators (one add chain was latency-bound and
 *       made the polynomial variant run at half speed in some forks), reduced once: the cost of
 *       the transcendental every Dice pass needs (sigmoid or softmax), reading the logits with
 *       {@code fromMemorySegment} as the kernels do;</li>
 *   <li>{@code expPolynomialOnly}: the same with the library's own {@code VectorMath.exp} (a polynomial from fma,
 *       add, multiply and shifts) instead of {@code lanewise(EXP)}, which C2 compiles to a call into the SVML
 *       library: the cost of the exp the kernels use;</li>
 *   <li>{@code readOnly}: a sum over every byte the fused pass reads (logits, then target), four accumulators so
 *       that add latency is not the limit: the memory roofline.</li>
 * </ul>
 * The fused kernel cannot beat either; it does well when it gets close to the larger of the two times.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// Same schedule as StatisticsBenchmark.vector so that the ratios compare like with like: 4 × 1 s warm-up (one
// method, compiled after a few calls), 6 × 1 s measured.
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
// Three forks for run-to-run variance; fixed heap as in the other benchmarks.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class RooflineBenchmark {
    // The kernels' width: the preferred one (VectorConstants' default).
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    @Benchmark
    public float expOnly(RooflineData data) {
        MemorySegment logits = data.logitSegment(data.next());
        long bytes = data.elements * Float.BYTES;
        long step = FLOATS.vectorByteSize();
        long bound = bytes - bytes % (2 * step);
        // Two accumulators, so that the add chain's latency is not what is measured.
        FloatVector sum0 = FloatVector.zero(FLOATS);
        FloatVector sum1 = sum0;
        long offset = 0;
        for (; offset < bound; offset += 2 * step) {
            sum0 = sum0.add(FloatVector.fromMemorySegment(FLOATS, logits, offset, NATIVE).lanewise(EXP));
            sum1 = sum1.add(FloatVector.fromMemorySegment(FLOATS, logits, offset + step, NATIVE).lanewise(EXP));
        }
        // reduce
        float total = sum0.add(sum1).reduceLanes(ADD);
        for (; offset < bytes; offset += Float.BYTES) {
            total += (float) Math.exp(logits.get(JAVA_FLOAT_UNALIGNED, offset));
        }
        return total;
    }

    @Benchmark
    public float expPolynomialOnly(RooflineData data) {
        MemorySegment logits = data.logitSegment(data.next());
        long bytes = data.elements * Float.BYTES;
        long step = FLOATS.vectorByteSize();
        long bound = bytes - bytes % (2 * step);
        // Two accumulators, so that the add chain's latency is not what is measured.
        FloatVector sum0 = FloatVector.zero(FLOATS);
        FloatVector sum1 = sum0;
        long offset = 0;
        for (; offset < bound; offset += 2 * step) {
            sum0 = sum0.add(VectorMath.exp(FloatVector.fromMemorySegment(FLOATS, logits, offset, NATIVE)));
            sum1 = sum1.add(VectorMath.exp(FloatVector.fromMemorySegment(FLOATS, logits, offset + step, NATIVE)));
        }
        // reduce
        float total = sum0.add(sum1).reduceLanes(ADD);
        for (; offset < bytes; offset += Float.BYTES) {
            total += (float) Math.exp(logits.get(JAVA_FLOAT_UNALIGNED, offset));
        }
        return total;
    }

    @Benchmark
    public float readOnly(RooflineData data) {
        int copy = data.next();
        float logits = sumFloats(data.logitSegment(copy), data.elements * Float.BYTES);
        MemorySegment target = data.targetSegment(copy);
        return data.denseTarget
                ? logits + sumFloats(target, data.elements * Float.BYTES)
                : logits + sumBytes(target, target.byteSize());
    }

    /** Σ of the floats in the first {@code bytes} bytes of {@code segment}. */
    private static float sumFloats(MemorySegment segment, long bytes) {
        long step = FLOATS.vectorByteSize();
        long bound = bytes - bytes % (4 * step);
        FloatVector s0 = FloatVector.zero(FLOATS);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        long offset = 0;
        for (; offset < bound; offset += 4 * step) {
            s0 = s0.add(FloatVector.fromMemorySegment(FLOATS, segment, offset, NATIVE));
            s1 = s1.add(FloatVector.fromMemorySegment(FLOATS, segment, offset + step, NATIVE));
            s2 = s2.add(FloatVector.fromMemorySegment(FLOATS, segment, offset + 2 * step, NATIVE));
            s3 = s3.add(FloatVector.fromMemorySegment(FLOATS, segment, offset + 3 * step, NATIVE));
        }
        // reduce
        float total = s0.add(s1).add(s2.add(s3)).reduceLanes(ADD);
        for (; offset < bytes; offset += Float.BYTES) {
            total += segment.get(JAVA_FLOAT_UNALIGNED, offset);
        }
        return total;
    }

    /** Wrapping Σ of the bytes of a label map (integer adds: the bytes are not floats). */
    private static float sumBytes(MemorySegment segment, long bytes) {
        long step = BYTES.vectorByteSize();
        long bound = bytes - bytes % step;
        ByteVector sum = ByteVector.zero(BYTES);
        long offset = 0;
        for (; offset < bound; offset += step) {
            sum = sum.add(ByteVector.fromMemorySegment(BYTES, segment, offset, NATIVE));
        }
        // reduce
        int total = sum.reduceLanes(ADD);
        for (; offset < bytes; offset++) {
            total += segment.get(JAVA_BYTE, offset);
        }
        return total;
    }
}
