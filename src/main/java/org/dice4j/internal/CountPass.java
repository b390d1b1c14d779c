package org.dice4j.internal;

import java.lang.foreign.MemorySegment;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;

/**
 * One validated counting pass of the hard metric: for every (image, class), |A∩B|, |A| and |B|, with A the voxels
 * predicted as the class and B those of the target. The prediction is either float32 scores {@code (N, C, S)} whose
 * per-voxel {@link Mode#ARGMAX argmax} (first maximum on ties) is the predicted class, or per-channel
 * {@link Mode#THRESHOLD} decisions {@code z > threshold}, or an integer label map {@code (N, S)} ({@link Mode#LABELS}).
 * The target is a label map (ignore-index honoured) or dense float32 {@code (N, C, S)} read as {@code g ≥ 0.5}.
 *
 * <p>Output: {@code out[(n * classes + c) * COUNTS + k]} for k in {@link #INTERSECTION}, {@link #PREDICTED},
 * {@link #TARGET}.
 */
public record CountPass(
        MemorySegment prediction,
        DType predictionType,
        Mode mode,
        float threshold,
        MemorySegment target,
        DType targetType,
        long images,
        int classes,
        long voxels,
        boolean hasIgnore,
        long ignoreIndex,
        long[] spatialShape,
        Parallelism parallelism) {

    /** How predicted classes are read. */
    public enum Mode {
        /** Argmax over the channels of float scores. */
        ARGMAX,
        /** Per channel, score &gt; threshold (multi-label, or C = 1). */
        THRESHOLD,
        /** An integer label map of predicted classes. */
        LABELS
    }

    public static final int INTERSECTION = 0;
    public static final int PREDICTED = 1;
    public static final int TARGET = 2;
    public static final int COUNTS = 3;

    public boolean denseTarget() {
        return targetType == DType.FLOAT32;
    }

    public int outputLength() {
        return Math.toIntExact(images * classes * COUNTS);
    }

    /** The label value of class c: c, or 1 when C = 1 (a binary foreground mask). */
    public int foregroundLabel(int c) {
        return classes == 1 ? 1 : c;
    }

    /** Number of valid label values: [0, C), or {0, 1} when C = 1. */
    public int labelLimit() {
        return classes == 1 ? 2 : classes;
    }

    /** The error for a target or prediction label out of range. */
    public IllegalArgumentException labelOutOfRange(String what, long image, long voxel, long value) {
        long[] position = new long[spatialShape.length];
        long rest = voxel;
        for (int axis = position.length - 1; axis >= 0; axis--) {
            long size = spatialShape[axis];
            position[axis] = size == 0 ? 0 : rest % size;
            rest = size == 0 ? 0 : rest / size;
        }
        String allowed = classes == 1 ? "0 or 1 (binary)" : "in [0, " + classes + ")";
        String ignore = hasIgnore && what.equals("target") ? " nor the ignore index " + ignoreIndex : "";
        return new InvalidArgumentException(what, "label " + value + " at image " + image + ", voxel " + voxel
                + " (spatial index " + java.util.Arrays.toString(position) + ") is not " + allowed + ignore);
    }
}
