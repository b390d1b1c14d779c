package org.dice4j.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dice4j.Activation;
import java.util.OptionalLong;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Layout;
import org.dice4j.Tensor;

/**
 * One validated statistics pass: what the kernels read and which sums they produce. Logits are float32
 * {@code (images, classes, voxels)} channels-first or {@code (images, voxels, classes)} channels-last; the target is
 * either dense float32 of the same shape and layout or an integer label map {@code (images, voxels)}. The public facade has checked every size, type and segment before building
 * one of these, so kernels do no argument checking beyond label values.
 *
 * <p>{@code logitShape} (N, C, spatial…), or (N, spatial…, C) with {@code channelsLast}, is only read, to name a
 * voxel's position in error messages. With {@code channelsLast} the logits, a dense target and the gradient hold the
 * classes of a voxel next to each other: see {@link #element}.
 * {@code parallelism} says how many threads may run the pass; results do not depend on it.
 *
 * <p>Output: {@code out[(n * classes + c) * STATS + k]} for k in {@link #INTERSECTION}, {@link #PRED_SUM},
 * {@link #TARGET_SUM}, {@link #SOFT_INTERSECTION}. With {@code squared}, the prediction and target sums are of
 * squares. The soft intersection {@code Σ min(p, g)} is computed only when {@code softIntersection} is set (the
 * soft-label formulation), else left 0. With {@code crossEntropy}, class 0 of each image also gets the image's
 * cross-entropy sum {@link #CROSS_ENTROPY} and the count of its unmasked voxels {@link #VOXELS} (else both 0).
 */
public record StatisticsPass(
        MemorySegment logits,
        MemorySegment target,
        DType targetType,
        long images,
        int classes,
        long voxels,
        Activation activation,
        boolean squared,
        boolean softIntersection,
        boolean crossEntropy,
        boolean hasIgnore,
        long ignoreIndex,
        long[] logitShape,
        boolean channelsLast,
        DType logitType,
        Parallelism parallelism) {

    /** A pass on the calling thread only. */
    public StatisticsPass(MemorySegment logits, MemorySegment target, DType targetType, long images, int classes,
            long voxels, Activation activation, boolean squared, boolean softIntersection, boolean crossEntropy,
            boolean hasIgnore, long ignoreIndex, long[] logitShape) {
        this(logits, target, targetType, images, classes, voxels, activation, squared, softIntersection, crossEntropy,
                hasIgnore, ignoreIndex, logitShape, false, DType.FLOAT32, Parallelism.SEQUENTIAL);
    }

    /** What a pass sums besides I, P and G, and through which activation: the kind of its statistics. */
    public record Sums(Activation activation, boolean squared, boolean softIntersection, boolean crossEntropy) {}

    /**
     * The pass over checked tensors: logits of {@code shape} {@code (N, C, spatial…)}, or {@code (N, spatial…, C)}
     * channels-last, and a dense target of their shape and layout or a label map; {@code ignoreIndex} for a label
     * map's ignored voxels.
     */
    public static StatisticsPass of(Tensor logits, long[] shape, Tensor target, Sums sums, OptionalLong ignoreIndex,
            Parallelism parallelism) {
        boolean channelsLast = logits.layout() == Layout.CHANNELS_LAST;
        long images = shape[0];
        int classes = (int) shape[channelsLast ? shape.length - 1 : 1];
        long voxels = logits.elementCount() / (images * classes);
        return new StatisticsPass(logits.segment(), target.segment(), target.dtype(), images, classes, voxels,
                sums.activation(), sums.squared(), sums.softIntersection(), sums.crossEntropy(),
                ignoreIndex.isPresent(), ignoreIndex.orElse(0), shape, channelsLast, logits.dtype(), parallelism);
    }

    /** This pass on the calling thread only (same results: see Parallelism). */
    public StatisticsPass sequential() {
        return parallelism.threads() == 1 ? this : new StatisticsPass(logits, target, targetType, images, classes, voxels,
                activation, squared, softIntersection, crossEntropy, hasIgnore, ignoreIndex, logitShape, channelsLast,
                logitType, Parallelism.SEQUENTIAL);
    }

    public static final int INTERSECTION = 0;
    public static final int PRED_SUM = 1;
    public static final int TARGET_SUM = 2;
    public static final int SOFT_INTERSECTION = 3;
    /**
     * The image's cross-entropy sum, −Σ_v Σ_c g·ln p (softmax) or Σ of the binary cross-entropy with logits over its
     * elements (sigmoid), in class 0's row only (0 in the others); with crossEntropy only.
     */
    public static final int CROSS_ENTROPY = 4;
    /** The image's unmasked voxels, in class 0's row only (0 in the others); with crossEntropy only. */
    public static final int VOXELS = 5;
    /** Statistics per (image, class). */
    public static final int STATS = 6;

    /**
     * Index of the element of image n, class c, voxel v in the logits (and in a dense target or gradient, which share
     * their layout): {@code (n·C + c)·S + v} channels-first, {@code (n·S + v)·C + c} channels-last.
     */
    public long element(long n, int c, long v) {
        return channelsLast ? (n * voxels + v) * classes + c : (n * classes + c) * voxels + v;
    }

    /** The logit at element {@code index}, exactly converted to float from the logits' type. */
    public float logit(long index) {
        return switch (logitType) {
            case FLOAT32 -> logits.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, index);
            case FLOAT16 -> Float.float16ToFloat(logits.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index));
            case BFLOAT16 -> Float.intBitsToFloat(
                    logits.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index) << 16);
            default -> throw new IllegalStateException("logits of type " + logitType);
        };
    }

    public boolean denseTarget() {
        return targetType == DType.FLOAT32;
    }

    /** Number of valid label values: [0, C), or {0, 1} for a binary (C = 1) problem. */
    public int labelLimit() {
        return classes == 1 ? 2 : classes;
    }

    /** The label value that marks class {@code c} as foreground: c, or 1 in a binary problem. */
    public int foregroundLabel(int c) {
        return classes == 1 ? 1 : c;
    }

    public int outputLength() {
        return Math.toIntExact(images * classes * STATS);
    }

    /** The error for a label that is neither a class nor the ignore index. */
    public IllegalArgumentException labelOutOfRange(long image, long voxel, long value) {
        long[] position = new long[logitShape.length - 2];
        long rest = voxel;
        // Spatial axes: (N, C, s1…sk) channels-first, (N, s1…sk, C) channels-last.
        int firstSpatial = channelsLast ? 1 : 2;
        for (int axis = position.length - 1; axis >= 0; axis--) {
            long size = logitShape[axis + firstSpatial];
            position[axis] = size == 0 ? 0 : rest % size;
            rest = size == 0 ? 0 : rest / size;
        }
        String allowed = classes == 1 ? "0 or 1 (binary target)" : "in [0, " + classes + ")";
        String ignore = hasIgnore ? " nor the ignore index " + ignoreIndex : "";
        return new InvalidArgumentException("target", "label " + value + " at image " + image + ", voxel " + voxel
                + " (spatial index " + Arrays.toString(position) + ") is not " + allowed + ignore);
    }
}
