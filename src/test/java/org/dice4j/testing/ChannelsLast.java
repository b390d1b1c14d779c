package org.dice4j.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dice4j.Tensor;

/** Channels-last copies of channels-first test tensors {@code (N, C, spatial…)}: shapes, values, label maps. */
public final class ChannelsLast {
    private ChannelsLast() {}

    /** (N, C, spatial…) → (N, spatial…, C). */
    public static long[] channelsLastShape(long[] shape) {
        long[] last = new long[shape.length];
        last[0] = shape[0];
        System.arraycopy(shape, 2, last, 1, shape.length - 2);
        last[shape.length - 1] = shape[1];
        return last;
    }

    /** The float32 values of a channels-first tensor, reordered channels-last, in a segment of {@code arena}. */
    public static MemorySegment toChannelsLast(Tensor channelsFirst, Arena arena) {
        long[] shape = channelsFirst.shape();
        long images = shape[0];
        long classes = shape[1];
        long voxels = channelsFirst.elementCount() / Math.max(1, images * classes);
        MemorySegment source = channelsFirst.segment();
        MemorySegment last = arena.allocate(Math.max(1, channelsFirst.byteSize()), 4);
        for (long n = 0; n < images; n++) {
            for (long c = 0; c < classes; c++) {
                for (long v = 0; v < voxels; v++) {
                    last.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (n * voxels + v) * classes + c,
                            source.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (n * classes + c) * voxels + v));
                }
            }
        }
        return last;
    }

    /** The label map viewed as (N, spatial…): Problems may give it a channel axis of size 1 in the second place. */
    public static Tensor labelMap(Tensor labels, long[] logitShape) {
        long[] shape = new long[logitShape.length - 1];
        shape[0] = logitShape[0];
        System.arraycopy(logitShape, 2, shape, 1, logitShape.length - 2);
        return Tensor.of(labels.segment(), labels.dtype(), shape);
    }
}
