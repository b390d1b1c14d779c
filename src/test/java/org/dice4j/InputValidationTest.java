package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets an {@link IllegalArgumentException} naming the parameter, what was expected and what came. */
class InputValidationTest {
    private static final Tensor LOGITS = Tensor.of(new float[2 * 3 * 4], 2, 3, 4);

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void aDenseTargetOfAnotherShapeIsRefused() {
        String message = message(() -> DiceLoss.builder().build().forward(LOGITS, Tensor.of(new float[24], 2, 4, 3)));
        assertEquals("target: a dense float32 target must have the logits' shape [2, 3, 4] CHANNELS_FIRST, got [2, 4, 3]"
                + " CHANNELS_FIRST", message);
    }

    @Test
    void aLabelMapOfAnotherShapeIsRefused() {
        String message = message(() -> DiceLoss.builder().build().forward(LOGITS, Tensor.of(new long[6], 2, 3)));
        assertEquals("target: a INT64 label map must have shape [2, 4] or [2, 1, 4], got [2, 3]", message);
    }

    @Test
    void aLabelOutOfRangeNamesItsImageVoxelAndValue() {
        long[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 7, 1, 0};
        String message = message(() -> DiceLoss.builder().build().forward(Tensor.of(new float[2 * 3 * 6], 2, 3, 2, 3),
                Tensor.of(labels, 2, 2, 3)));
        assertEquals("target: label 7 at image 1, voxel 3 (spatial index [1, 0]) is not in [0, 3)", message);
    }

    @Test
    void aBinaryLabelMapHoldsZeroOrOne() {
        String message = message(() -> DiceLoss.binary().forward(Tensor.of(new float[4], 1, 1, 4),
                Tensor.ofUint8(new byte[] {0, 1, (byte) 255, 1}, 1, 4)));
        assertEquals("target: label 255 at image 0, voxel 2 (spatial index [2]) is not 0 or 1 (binary target)", message);
        String withIgnore = message(() -> DiceLoss.builder().ignoreIndex(9).build().forward(Tensor.of(new float[4], 1, 1, 4),
                Tensor.ofUint8(new byte[] {0, 1, 2, 9}, 1, 4)));
        assertEquals("target: label 2 at image 0, voxel 2 (spatial index [2]) is not 0 or 1 (binary target) nor"
                + " the ignore index 9", withIgnore);
    }

    @Test
    void negativeOrNonFiniteOptionsAreRefusedByTheBuilder() {
        assertEquals("smoothNumerator: expected a finite value ≥ 0, got -1.0",
                message(() -> DiceLoss.builder().smoothNumerator(-1)));
        assertEquals("smoothDenominator: expected a finite value ≥ 0, got NaN",
                message(() -> DiceLoss.builder().smoothDenominator(Double.NaN)));
        assertEquals("alpha: expected a finite value ≥ 0, got Infinity",
                message(() -> DiceLoss.builder().tversky(Double.POSITIVE_INFINITY, 0.5)));
        assertEquals("focalGamma: expected a finite value > 0, got 0.0", message(() -> DiceLoss.builder().focalGamma(0)));
        assertEquals("classWeights: expected finite values ≥ 0, got -0.5 for class 1",
                message(() -> DiceLoss.builder().classWeights(1, -0.5)));
        assertEquals("denominatorFloor: expected a finite value ≥ 0, got -1.0E-5",
                message(() -> DiceLoss.builder().denominatorFloor(-1e-5)));
    }

    @Test
    void optionCombinationsTheContractDoesNotDefineAreRefused() {
        assertEquals("squared: the Tversky score is defined for q = 1 only",
                message(() -> DiceLoss.builder().tversky(0.3, 0.7).squared(true).build()));
        assertEquals("softLabel: the soft-label formulation needs q = 1, not squared",
                message(() -> DiceLoss.builder().softLabel(true).squared(true).build()));
        assertEquals("generalized: generalized Dice (1 − weighted Dice score) does not combine with variant JACCARD",
                message(() -> DiceLoss.builder().variant(Variant.JACCARD).generalized(GeneralizedWeight.SQUARE).build()));
        assertEquals("generalized: generalized Dice (1 − weighted Dice score) does not combine with classWeights (its"
                + " weights come from the target volumes)", message(() -> DiceLoss.builder().classWeights(1, 2)
                        .generalized(GeneralizedWeight.SIMPLE).build()));
    }

    @Test
    void metricOptionsAreCheckedWhenSet() {
        assertEquals("threshold: expected a finite value, got NaN", message(() -> DiceMetric.builder().threshold(Double.NaN)));
        assertEquals("threshold: a SIGMOID probability threshold must be in (0, 1), got 1.5",
                message(() -> DiceMetric.builder().activation(Activation.SIGMOID).threshold(1.5).build()));
        assertEquals("numClasses: expected a value ≥ 1 (clearNumClasses() for the inputs' count), got -2", message(() -> DiceMetric.builder().numClasses(-2)));
    }

    @Test
    void classWeightsMustHaveOneWeightPerClass() {
        String message = message(() -> DiceLoss.builder().classWeights(1, 2).build()
                .forward(LOGITS, Tensor.of(new long[8], 2, 4)));
        assertEquals("classWeights: expected length C = 3, got 2", message);
    }

    @Test
    void aClosedArenaIsRefusedBeforeAnyRead() {
        Arena arena = Arena.ofConfined();
        MemorySegment segment = arena.allocate(2 * 3 * 4 * Float.BYTES);
        Tensor logits = Tensor.of(segment, DType.FLOAT32, 2, 3, 4);
        arena.close();
        String message = message(() -> DiceLoss.builder().build().forward(logits, Tensor.of(new long[8], 2, 4)));
        assertEquals("logits: the segment's arena is closed", message);
    }

    @Test
    void aSegmentTooSmallForTheShapeIsRefused() {
        String message = message(() -> Tensor.of(new float[23], 2, 3, 4));
        assertEquals("segment too small for a FLOAT32 tensor of shape [2, 3, 4]: expected at least 96 bytes, got 92",
                message);
    }

    @Test
    void shapesWhoseByteSizeOverflowsAreRefused() {
        String message = message(() -> Tensor.of(MemorySegment.NULL, DType.FLOAT32, 1L << 40, 1L << 40));
        assertTrue(message.contains("overflows a long"), message);
        assertTrue(message(() -> Tensor.of(new float[4], 2, -2)).contains("negative size -2"));
    }

    @Test
    void logitsMustBeFloat32WithASpatialAxis() {
        assertEquals("logits: expected dtype FLOAT32, FLOAT16 or BFLOAT16, got INT32",
                message(() -> DiceLoss.builder().build().forward(Tensor.of(new int[4], 1, 1, 4), Tensor.of(new float[4], 1, 1, 4))));
        assertEquals("logits: expected shape (N, C, spatial…) with at least one spatial axis, got [2, 3] CHANNELS_FIRST",
                message(() -> DiceLoss.builder().build().forward(Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 2, 3))));
        assertEquals("logits: expected shape (N, spatial…, C) with at least one spatial axis, got [2, 3] CHANNELS_LAST",
                message(() -> DiceLoss.builder().build().forward(Tensor.of(new float[6], 2, 3)
                        .withLayout(Layout.CHANNELS_LAST), Tensor.of(new float[6], 2, 3))));
    }

    @Test
    void softmaxOverOneChannelIsRefused() {
        assertTrue(message(() -> DiceLoss.builder().activation(Activation.SOFTMAX).build()
                .forward(Tensor.of(new float[4], 1, 1, 4), Tensor.of(new float[4], 1, 1, 4)))
                .startsWith("activation: SOFTMAX needs C > 1"));
        assertTrue(message(() -> DiceLoss.builder().includeBackground(false).build()
                .forward(Tensor.of(new float[4], 1, 1, 4), Tensor.of(new float[4], 1, 1, 4)))
                .startsWith("includeBackground: false needs C > 1"));
    }

    @Test
    void anIgnoreIndexNeedsALabelMap() {
        assertEquals("ignoreIndex: 255 needs an integer label-map target, got a dense float32 target",
                message(() -> DiceLoss.builder().ignoreIndex(255).build().forward(LOGITS, LOGITS)));
    }

    @Test
    void aZeroSizeSpatialAxisGivesEmptyTermsOnEveryEntryPoint() {
        // No voxel: I = P = G = 0 in every term, so the Dice score is s_nr/s_dr = 1 and every term 0.
        Tensor logits = Tensor.of(new float[0], 2, 3, 0);
        Tensor labels = Tensor.ofUint8(new byte[0], 2, 0);
        for (boolean reference : new boolean[] {false, true}) {
            DiceLoss loss = DiceLoss.builder().lambdaCrossEntropy(1).referenceKernels(reference).build();
            LossResult result = loss.forward(logits, labels);
            assertEquals(0.0, result.loss());
            assertEquals(0.0, result.crossEntropy());
            assertEquals(0.0, loss.lossValueAndGradient(logits, labels, Tensor.of(new float[0], 2, 3, 0)));
            MetricResult metric = DiceMetric.builder().reduction(MetricReduction.NONE).referenceKernels(reference)
                    .build().compute(logits, labels);
            assertTrue(Double.isNaN(metric.dice()[1][2]), "an empty target is NaN with ignoreEmpty");
        }
    }

    /**
     * The message of the IllegalArgumentException {@code call} throws, checked to come at once and without
     * allocating anything that grows with the refused problem (under 1 MB on this thread, within 2 s).
     */
    private static String refusedAtOnce(Executable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        String message = message(call);
        long bytes = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(bytes < 1 << 20 && millis < 2000, "refused after allocating " + bytes + " bytes in " + millis
                + " ms: " + message);
        return message;
    }

    @Test
    void tooManyTermsAreRefusedEvenWhenAnEmptyAxisMakesTheTensorEmpty() {
        // (2^40, 2^40, 0): N × C overflows a long. (1, 10^8, 0), a header-only logits file: ran 18 s, allocated 6 GB
        // of statistics and failed with OutOfMemoryError before the limit was 65536.
        long[][] shapes = {{1L << 40, 1L << 40, 0}, {1, 100_000_000, 0}, {257, 256, 0}, {65537, 1, 0}};
        for (long[] shape : shapes) {
            Tensor empty = Tensor.of(MemorySegment.NULL, DType.FLOAT32, shape);
            String expected = "logits: N × C terms for shape " + Arrays.toString(shape)
                    + " exceed the 65536 supported";
            DiceLoss loss = DiceLoss.builder().build();
            assertEquals(expected, refusedAtOnce(() -> loss.forward(empty, empty)));
            assertEquals(expected, refusedAtOnce(() -> loss.lossValue(empty, empty)));
            assertEquals(expected, refusedAtOnce(() -> loss.forwardBackward(empty, empty, empty)));
            assertEquals(expected, refusedAtOnce(() -> loss.statistics(empty, empty)));
        }
        // At the limit: accepted.
        Tensor largest = Tensor.of(new float[0], 16, 4096, 0);
        assertEquals(0.0, DiceLoss.builder().build().forward(largest, Tensor.ofUint8(new byte[0], 16, 0)).loss());
    }

    @Test
    void tooManyClassesAreRefused() {
        // The vector kernels' workspace holds about 6.5 KB a class on each thread.
        Tensor logits = Tensor.of(new float[4097], 1, 4097, 1);
        assertEquals("logits: C = 4097 classes for shape [1, 4097, 1] exceed the 4096 supported",
                refusedAtOnce(() -> DiceLoss.builder().build().forward(logits, Tensor.ofUint8(new byte[1], 1, 1))));
    }

    @Test
    void theMetricRefusesTooManyTermsEvenWhenAnEmptyAxisMakesTheTensorEmpty() {
        DiceMetric metric = DiceMetric.builder().build();
        Tensor scores = Tensor.of(MemorySegment.NULL, DType.FLOAT32, 1, 100_000_000, 0);
        assertEquals("prediction: N × C terms for shape [1, 100000000, 0] (N = 1, C = 100000000) exceed the 262144"
                + " supported", refusedAtOnce(() -> metric.compute(scores, Tensor.ofUint8(new byte[0], 1, 0))));
        // A label-map prediction takes C from numClasses.
        Tensor labels = Tensor.ofUint8(new byte[0], 2, 0);
        assertEquals("prediction: N × C terms for shape [2, 0] (N = 2, C = 131073) exceed the 262144 supported",
                refusedAtOnce(() -> DiceMetric.builder().numClasses(131_073).build().compute(labels, labels)));
        Tensor largest = Tensor.of(new float[0], 64, 4096, 0);
        assertEquals(64, metric.compute(largest, Tensor.ofUint8(new byte[0], 64, 0)).dice().length);
    }

    @Test
    void anAccumulatorBeyondTheLossLimitsIsRefused() {
        DiceLoss loss = DiceLoss.builder().build();
        assertEquals("accumulator: expected 1 ≤ images, 1 ≤ classes ≤ 4096 and at most 65536 terms (the loss's"
                + " limits), got 1 × 100000000", refusedAtOnce(() -> loss.accumulator(1, 100_000_000)));
        assertEquals("accumulator: expected 1 ≤ images, 1 ≤ classes ≤ 4096 and at most 65536 terms (the loss's"
                + " limits), got 2 × 4097", refusedAtOnce(() -> loss.accumulator(2, 4097)));
        assertEquals(16, loss.accumulator(16, 4096).statistics().images(), "at the limits: accepted");
    }
}
