package org.dice4j.jmh;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.Tensor;
import org.dice4j.internal.StatisticsPass;

/**
 * Synthetic logits and targets of one {@link Workload}, in native memory, on the Java heap, or both ("mixed": the
 * benchmarks then alternate between the two copies call by call, so the JIT's type profile of every segment
 * access sees both segment classes, as in an application that passes both).
 *
 * <p>Logits are N(0, 4²) (a trained network's logits are of that order), except one in 64 drawn uniformly from
 * [−30, 30] to exercise saturated sigmoids and dominant softmax classes. Every value stays far inside the domain
 * where {@code exp} is computed without its special-case path ({@code |x| < 87}). Dense targets are 0/1 with
 * probability ½; labels are uniform over the classes. Fixed seed: every fork sees the same data.
 */
public final class Inputs implements AutoCloseable {
    public static final long SEED = 20250101L;
    /** One logit in this many comes from the uniform tails. */
    private static final int TAIL_ONE_IN = 64;
    private static final float TAIL = 30f;

    /** Where the tensors live. */
    public enum Memory {
        NATIVE, HEAP, MIXED;

        public static Memory of(String name) {
            return switch (name) {
                case "native" -> NATIVE;
                case "heap" -> HEAP;
                case "mixed" -> MIXED;
                default -> throw new IllegalArgumentException("memory: expected native, heap or mixed, got '" + name + "'");
            };
        }
    }

    private final Workload workload;
    private final Arena arena;
    private final Tensor[] logits;
    private final Tensor[] targets;
    private final StatisticsPass[] passes;

    private Inputs(Workload workload, Arena arena, Tensor[] logits, Tensor[] targets) {
        this.workload = workload;
        this.arena = arena;
        this.logits = logits;
        this.targets = targets;
        this.passes = new StatisticsPass[logits.length];
        for (int i = 0; i < logits.length; i++) {
            passes[i] = pass(workload, logits[i], targets[i]);
        }
    }

    /**
     * Generates the workload's data. Native memory comes from a shared arena (JMH may run setup and iterations on
     * different threads), 64-byte aligned as an allocator of tensors would give it.
     */
    public static Inputs create(Workload workload, Memory memory) {
        long elements = workload.elements();
        long labels = workload.targetType() == DType.FLOAT32 ? elements : elements / workload.shape()[1];
        Arena arena = memory == Memory.HEAP ? null : Arena.ofShared();
        try {
            MemorySegment nativeLogits = null;
            MemorySegment nativeTarget = null;
            MemorySegment heapLogits = null;
            MemorySegment heapTarget = null;
            if (arena != null) {
                nativeLogits = arena.allocate(elements * Float.BYTES, 64);
                nativeTarget = arena.allocate(labels * workload.targetType().byteSize(), 64);
                fill(workload, nativeLogits, nativeTarget, elements, labels);
            }
            if (memory != Memory.NATIVE) {
                heapLogits = MemorySegment.ofArray(new float[Math.toIntExact(elements)]);
                heapTarget = workload.targetType() == DType.FLOAT32
                        ? MemorySegment.ofArray(new float[Math.toIntExact(labels)])
                        : MemorySegment.ofArray(new byte[Math.toIntExact(labels)]);
                fill(workload, heapLogits, heapTarget, elements, labels);
            }
            return switch (memory) {
                case NATIVE -> new Inputs(workload, arena, new Tensor[] {logitsTensor(workload, nativeLogits)},
                        new Tensor[] {targetTensor(workload, nativeTarget)});
                case HEAP -> new Inputs(workload, null, new Tensor[] {logitsTensor(workload, heapLogits)},
                        new Tensor[] {targetTensor(workload, heapTarget)});
                case MIXED -> new Inputs(workload, arena,
                        new Tensor[] {logitsTensor(workload, heapLogits), logitsTensor(workload, nativeLogits)},
                        new Tensor[] {targetTensor(workload, heapTarget), targetTensor(workload, nativeTarget)});
            };
        } catch (RuntimeException | Error e) {
            if (arena != null) {
                arena.close();
            }
            throw e;
        }
    }

    private static void fill(Workload workload, MemorySegment logits, MemorySegment target, long elements, long labels) {
        SplittableRandom random = new SplittableRandom(SEED);
        for (long i = 0; i < elements; i++) {
            logits.setAtIndex(JAVA_FLOAT, i, logit(random));
        }
        if (workload.targetType() == DType.FLOAT32 && workload.activation() == Activation.SOFTMAX) {
            // One-hot: each voxel's target is one class, as a label map turned into floats.
            long classes = workload.shape()[1];
            long voxels = elements / workload.shape()[0] / classes;
            for (long n = 0; n < workload.shape()[0]; n++) {
                for (long v = 0; v < voxels; v++) {
                    target.setAtIndex(JAVA_FLOAT, (n * classes + random.nextInt((int) classes)) * voxels + v, 1f);
                }
            }
        } else if (workload.targetType() == DType.FLOAT32) {
            for (long i = 0; i < labels; i++) {
                target.setAtIndex(JAVA_FLOAT, i, random.nextBoolean() ? 1f : 0f);
            }
        } else {
            int classes = (int) workload.shape()[1];
            int limit = classes == 1 ? 2 : classes;
            for (long i = 0; i < labels; i++) {
                target.set(JAVA_BYTE, i, (byte) random.nextInt(limit));
            }
        }
    }

    static float logit(SplittableRandom random) {
        if (random.nextInt(TAIL_ONE_IN) == 0) {
            return (float) random.nextDouble(-TAIL, TAIL);
        }
        return (float) (4 * random.nextGaussian());
    }

    private static Tensor logitsTensor(Workload workload, MemorySegment segment) {
        return Tensor.of(segment, DType.FLOAT32, workload.shape());
    }

    private static Tensor targetTensor(Workload workload, MemorySegment segment) {
        long[] shape = workload.shape();
        if (workload.targetType() == DType.FLOAT32) {
            return Tensor.of(segment, DType.FLOAT32, shape);
        }
        long[] labelShape = new long[shape.length - 1];
        labelShape[0] = shape[0];
        System.arraycopy(shape, 2, labelShape, 1, shape.length - 2);
        return Tensor.of(segment, workload.targetType(), labelShape);
    }

    /**
     * The kernel-level pass {@code DiceLoss.forward} builds for the workload's {@link Workload#loss()} (q = 1, no
     * soft-label sum, no ignore index), built directly so that a benchmark can call the kernels alone.
     */
    static StatisticsPass pass(Workload workload, Tensor logits, Tensor target) {
        long[] shape = workload.shape();
        long voxels = Arrays.stream(shape).skip(2).reduce(1, Math::multiplyExact);
        Activation activation = workload.activation();
        return new StatisticsPass(logits.segment(), target.segment(), target.dtype(), shape[0], (int) shape[1], voxels,
                activation, false, false, false, false, 0, shape);
    }

    public Workload workload() {
        return workload;
    }

    /** How many copies (1, or 2 when mixed: heap first, then native). */
    public int copies() {
        return passes.length;
    }

    public StatisticsPass pass(int copy) {
        return passes[copy];
    }

    public Tensor logits(int copy) {
        return logits[copy];
    }

    public Tensor target(int copy) {
        return targets[copy];
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
