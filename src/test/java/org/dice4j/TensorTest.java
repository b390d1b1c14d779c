package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tensor views: any segment works, whatever its kind, alignment or access mode, and nothing is copied. */
class TensorTest {

    @Test
    void readOnlyUnalignedOffHeapSegmentsGiveTheSameLossAsHeapArrays() {
        int images = 2;
        int classes = 3;
        int voxels = 5 * 7 * 3;
        SplittableRandom random = new SplittableRandom(5);
        float[] logits = new float[images * classes * voxels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        int[] labels = random.ints(images * voxels, 0, classes).toArray();
        DiceLoss loss = DiceLoss.builder().reduction(Reduction.NONE).build();
        LossResult onHeap = loss.forward(Tensor.of(logits, images, classes, 5, 7, 3), Tensor.of(labels, images, 5, 7, 3));

        try (Arena arena = Arena.ofConfined()) {
            // One byte past an aligned address: every float and int access is misaligned.
            MemorySegment logitBytes = arena.allocate((long) logits.length * Float.BYTES + 1, 64).asSlice(1);
            MemorySegment.copy(logits, 0, logitBytes, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, logits.length);
            MemorySegment labelBytes = arena.allocate((long) labels.length * Integer.BYTES + 3, 64).asSlice(3);
            MemorySegment.copy(labels, 0, labelBytes, ValueLayout.JAVA_INT_UNALIGNED, 0, labels.length);
            LossResult offHeap = loss.forward(
                    Tensor.of(logitBytes.asReadOnly(), DType.FLOAT32, images, classes, 5, 7, 3),
                    Tensor.of(labelBytes.asReadOnly(), DType.INT32, images, 1, 5, 7, 3));
            for (int n = 0; n < images; n++) {
                assertArrayEquals(onHeap.terms()[n], offHeap.terms()[n], 0.0);
            }
        }
    }

    @Test
    void aViewReportsItsShapeAndReadsFromTheSegmentStart() {
        MemorySegment larger = MemorySegment.ofArray(new float[100]);
        Tensor tensor = Tensor.of(larger, DType.FLOAT32, 2, 3, 4);
        assertArrayEquals(new long[] {2, 3, 4}, tensor.shape());
        assertEquals(24, tensor.elementCount());
        assertEquals(96, tensor.byteSize());
        assertEquals(3, tensor.rank());
        assertEquals(Layout.CHANNELS_FIRST, tensor.layout());
        assertEquals(Layout.CHANNELS_LAST, tensor.withLayout(Layout.CHANNELS_LAST).layout());
        long[] shape = tensor.shape();
        shape[0] = 99;
        assertEquals(2, tensor.size(0), "the shape is copied out");
    }
}
