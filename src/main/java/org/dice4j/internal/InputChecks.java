package org.dice4j.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.OptionalLong;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Tensor;

/**
 * The checks of tensors that DiceLoss and DiceMetric share: a live arena, bytes shared between two tensors, the term
 * limit, the label-map shape rule and the ignore index of a dense target. Each failure is an
 * IllegalArgumentException naming the parameter, the expected and the actual value. Not an API: internal to dice4j.
 */
public final class InputChecks {
    private InputChecks() {}

    /** The tensor's arena is still open. */
    public static void checkAlive(String name, Tensor tensor) {
        if (!tensor.segment().scope().isAlive()) {
            throw new InvalidArgumentException(name, "the segment's arena is closed");
        }
    }

    /** Whether N × C terms exceed {@code limit}; each factor is checked first, so that the product cannot overflow. */
    public static boolean exceedsTerms(long images, long classes, int limit) {
        return images > limit || classes > limit || images * classes > limit;
    }

    /** A dense float32 target takes no ignore index (it has no labels to compare). */
    public static void checkNoIgnoreIndex(OptionalLong ignoreIndex) {
        if (ignoreIndex.isPresent()) {
            throw new InvalidArgumentException("ignoreIndex", "" + ignoreIndex.getAsLong()
                    + " needs an integer label-map target, got a dense float32 target");
        }
    }

    /** Whether the bytes of two tensors overlap; off-heap ones by address, without allocating. */
    public static boolean overlap(Tensor first, Tensor second) {
        MemorySegment a = first.segment();
        MemorySegment b = second.segment();
        if (first.byteSize() == 0 || second.byteSize() == 0) {
            return false;
        }
        if (a.isNative() && b.isNative()) {
            return a.address() < b.address() + second.byteSize() && b.address() < a.address() + first.byteSize();
        }
        return a.asSlice(0, first.byteSize()).asOverlappingSlice(b.asSlice(0, second.byteSize())).isPresent();
    }

    /**
     * The label-map shape rule: a label map of a dense shape is that shape without its channel axis, or with a channel
     * axis of size 1 there.
     */
    public static boolean isLabelMap(long[] labels, long[] dense, int channelAxis) {
        boolean withChannel = labels.length == dense.length;
        if (withChannel ? labels[channelAxis] != 1 : labels.length != dense.length - 1) {
            return false;
        }
        for (int axis = 0, at = 0; axis < dense.length; axis++) {
            if (axis == channelAxis) {
                at += withChannel ? 1 : 0;
            } else if (labels[at++] != dense[axis]) {
                return false;
            }
        }
        return true;
    }

    /** The error for a label map {@code name} of shape {@code actual} that breaks the rule of {@link #isLabelMap}. */
    public static IllegalArgumentException notALabelMap(String name, DType type, long[] dense, int channelAxis,
            long[] actual) {
        long[] withoutChannel = new long[dense.length - 1];
        for (int axis = 0, to = 0; axis < dense.length; axis++) {
            if (axis != channelAxis) {
                withoutChannel[to++] = dense[axis];
            }
        }
        long[] withChannel = dense.clone();
        withChannel[channelAxis] = 1;
        return new InvalidArgumentException(name, "a " + type + " label map must have shape "
                + Arrays.toString(withoutChannel) + " or " + Arrays.toString(withChannel) + ", got "
                + Arrays.toString(actual));
    }
}
