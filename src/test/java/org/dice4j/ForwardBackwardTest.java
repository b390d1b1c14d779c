package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code forwardBackward}: the forward result is unchanged, ignored voxels get exactly 0, the upstream gradient
 * scales linearly, and a bad gradient tensor or upstream gradient is refused with nothing written.
 */
class ForwardBackwardTest {
    private static final float SENTINEL = 12345f;

    private static float[] logits() {
        float[] logits = new float[2 * 3 * 5];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i * 1.7) * 3;
        }
        return logits;
    }

    private static final long[] LABELS = {0, 1, 2, 9, 1, 2, 2, 9, 9, 0};

    private static float[] sentinels(int length) {
        float[] values = new float[length];
        Arrays.fill(values, SENTINEL);
        return values;
    }

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void theForwardResultIsTheForwardsAndIgnoredVoxelsGetExactlyZeroInEveryChannel() {
        for (boolean reference : new boolean[] {false, true}) {
            DiceLoss loss = DiceLoss.builder().ignoreIndex(9).referenceKernels(reference).build();
            Tensor logits = Tensor.of(logits(), 2, 3, 5);
            Tensor target = Tensor.of(LABELS, 2, 5);
            float[] gradient = sentinels(30);
            LossResult result = loss.forwardBackward(logits, target, Tensor.of(gradient, 2, 3, 5));
            assertEquals(loss.forward(logits, target).loss(), result.loss());
            for (int n = 0; n < 2; n++) {
                for (int v = 0; v < 5; v++) {
                    for (int c = 0; c < 3; c++) {
                        float value = gradient[(n * 3 + c) * 5 + v];
                        if (LABELS[n * 5 + v] == 9) {
                            assertEquals(0, Float.floatToRawIntBits(value), "ignored voxel " + v + " of image " + n);
                        } else {
                            assertEquals(false, value == SENTINEL || value == 0, "voxel " + v + " of image " + n);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theUpstreamGradientScalesTheGradient() {
        DiceLoss loss = DiceLoss.builder().reduction(Reduction.SUM).build();
        Tensor logits = Tensor.of(logits(), 2, 3, 5);
        Tensor target = Tensor.of(new long[] {0, 1, 2, 1, 1, 2, 2, 0, 1, 0}, 2, 5);
        float[] once = new float[30];
        float[] twice = new float[30];
        double value = loss.lossValueAndGradient(logits, target, Tensor.of(once, 2, 3, 5));
        loss.forwardBackward(logits, target, Tensor.of(twice, 2, 3, 5), 2.0);
        assertEquals(loss.forward(logits, target).loss(), value);
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], "element " + i); // × 2 is exact in binary floating point
        }
    }

    @Test
    void reductionNoneTakesOneUpstreamValuePerTerm() {
        DiceLoss none = DiceLoss.builder().reduction(Reduction.NONE).includeBackground(false).build();
        DiceLoss sum = none.toBuilder().reduction(Reduction.SUM).build();
        Tensor logits = Tensor.of(logits(), 2, 3, 5);
        Tensor target = Tensor.of(new long[] {0, 1, 2, 1, 1, 2, 2, 0, 1, 0}, 2, 5);
        float[] fromNone = new float[30];
        float[] fromSum = new float[30];
        none.forwardBackward(logits, target, Tensor.of(fromNone, 2, 3, 5), new double[][] {{1, 1}, {1, 1}});
        sum.forwardBackward(logits, target, Tensor.of(fromSum, 2, 3, 5));
        assertArrayEquals(fromSum, fromNone);
        assertEquals("upstream: expected 2 × 2 values (the terms' shape), got 3 in row 1", message(() ->
                none.forwardBackward(logits, target, Tensor.of(new float[30], 2, 3, 5), new double[][] {{1, 1}, {1, 1, 1}})));
        // A call the reduction does not support is the loss's state, not an argument: IllegalStateException.
        assertEquals("reduction NONE has one term per (image, class) and needs an upstream gradient per"
                + " term: use forwardBackward(logits, target, gradient, double[][])",
                assertThrows(IllegalStateException.class,
                        () -> none.forwardBackward(logits, target, Tensor.of(new float[30], 2, 3, 5))).getMessage());
        assertEquals("a per-term upstream gradient needs reduction NONE, got SUM: use"
                + " forwardBackward(logits, target, gradient, double)", assertThrows(IllegalStateException.class,
                        () -> sum.forwardBackward(logits, target, Tensor.of(new float[30], 2, 3, 5), new double[][] {{1}}))
                .getMessage());
        assertEquals("upstream[0][1]: expected a finite value, got NaN", message(() -> none.forwardBackward(logits,
                target, Tensor.of(new float[30], 2, 3, 5), new double[][] {{1, Double.NaN}, {1, 1}})));
        assertEquals("upstream: expected a finite value, got Infinity", message(() -> sum.forwardBackward(logits,
                target, Tensor.of(new float[30], 2, 3, 5), Double.POSITIVE_INFINITY)));
    }

    @Test
    void aGradientTensorThatDoesNotFitIsRefusedAndNothingIsWritten() {
        DiceLoss loss = DiceLoss.builder().build();
        float[] logitData = logits();
        Tensor logits = Tensor.of(logitData, 2, 3, 5);
        Tensor target = Tensor.of(LABELS.clone(), 2, 5);
        float[] gradient = sentinels(40);
        assertEquals("gradient: expected the logits' shape [2, 3, 5] CHANNELS_FIRST, got [2, 5, 3] CHANNELS_FIRST",
                message(() -> loss.forwardBackward(logits, Tensor.of(new long[10], 2, 5), Tensor.of(gradient, 2, 5, 3))));
        assertEquals("gradient: expected dtype FLOAT32, got INT32",
                message(() -> loss.forwardBackward(logits, Tensor.of(new long[10], 2, 5), Tensor.of(new int[30], 2, 3, 5))));
        MemorySegment readOnly = MemorySegment.ofArray(gradient).asReadOnly();
        assertEquals("gradient: the segment is read-only", message(() -> loss.forwardBackward(logits,
                Tensor.of(new long[10], 2, 5), Tensor.of(readOnly, DType.FLOAT32, 2, 3, 5))));
        assertEquals("gradient: its memory overlaps the logits'; give it a buffer of its own",
                message(() -> loss.forwardBackward(logits, Tensor.of(new long[10], 2, 5), logits)));
        MemorySegment shared = MemorySegment.ofArray(new float[60]);
        Tensor denseTarget = Tensor.of(shared, DType.FLOAT32, 2, 3, 5);
        assertEquals("gradient: its memory overlaps the target's; give it a buffer of its own",
                message(() -> loss.forwardBackward(logits, denseTarget,
                        Tensor.of(shared.asSlice(40), DType.FLOAT32, 2, 3, 5))));
        try (Arena offHeap = Arena.ofConfined()) {
            MemorySegment both = offHeap.allocate(45 * Float.BYTES);
            Tensor nativeLogits = Tensor.of(both, DType.FLOAT32, 2, 3, 5);
            assertEquals("gradient: its memory overlaps the logits'; give it a buffer of its own",
                    message(() -> loss.forwardBackward(nativeLogits, Tensor.of(new long[10], 2, 5),
                            Tensor.of(both.asSlice(15 * Float.BYTES), DType.FLOAT32, 2, 3, 5))));
            // Adjacent but not overlapping: accepted (this call must not throw).
            loss.forwardBackward(Tensor.of(both, DType.FLOAT32, 1, 3, 5), Tensor.of(new long[5], 1, 5),
                    Tensor.of(both.asSlice(15 * Float.BYTES), DType.FLOAT32, 1, 3, 5));
        }
        Arena arena = Arena.ofConfined();
        MemorySegment closed = arena.allocate(30 * Float.BYTES);
        arena.close();
        assertEquals("gradient: the segment's arena is closed", message(() -> loss.forwardBackward(logits,
                Tensor.of(new long[10], 2, 5), Tensor.of(closed, DType.FLOAT32, 2, 3, 5))));
        float[] untouched = sentinels(40);
        assertArrayEquals(untouched, gradient);
        assertArrayEquals(logits(), logitData, "the logits are never written");
    }

    @Test
    void aLabelOutOfRangeThrowsBeforeAnyGradientIsWritten() {
        long[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 7};
        for (boolean reference : new boolean[] {false, true}) {
            DiceLoss loss = DiceLoss.builder().referenceKernels(reference).build();
            // Enough voxels for the vector kernels' chunks, the bad label at the very end.
            int voxels = 4099;
            long[] longLabels = new long[2 * voxels];
            for (int i = 0; i < longLabels.length; i++) {
                longLabels[i] = labels[i % 9];
            }
            longLabels[longLabels.length - 1] = 7;
            float[] gradient = sentinels(2 * 3 * voxels);
            String message = message(() -> loss.forwardBackward(Tensor.of(new float[2 * 3 * voxels], 2, 3, voxels),
                    Tensor.of(longLabels, 2, voxels), Tensor.of(gradient, 2, 3, voxels)));
            assertEquals("target: label 7 at image 1, voxel 4098 (spatial index [4098]) is not in [0, 3)", message);
            for (float value : gradient) {
                assertEquals(SENTINEL, value, "a gradient element was written before the error");
            }
        }
    }

    @Test
    void offHeapAndHeapGradientsAgree() {
        DiceLoss loss = DiceLoss.builder().build();
        Tensor logits = Tensor.of(logits(), 2, 3, 5);
        Tensor target = Tensor.of(new long[] {0, 1, 2, 1, 1, 2, 2, 0, 1, 0}, 2, 5);
        float[] heap = new float[30];
        loss.forwardBackward(logits, target, Tensor.of(heap, 2, 3, 5));
        try (Arena arena = Arena.ofConfined()) {
            // An odd offset: no alignment is required of the gradient either.
            MemorySegment offHeap = arena.allocate(30 * Float.BYTES + 1).asSlice(1);
            loss.forwardBackward(logits, target, Tensor.of(offHeap, DType.FLOAT32, 2, 3, 5));
            assertArrayEquals(heap, offHeap.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
        }
    }
}
