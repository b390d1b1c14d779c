package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;
import org.junit.jupiter.api.Test;

/**
 * The hard Dice/IoU metric: hand-counted examples, the NaN policy and reductions, errors, and the fast counts equal
 * to the reference's exactly (they are integers) over random problems, with ties in the argmax.
 */
class DiceMetricTest {
    /** One image, 3 classes, 4 voxels: scores with the argmax 0, 1, 1, 2 (voxel 2 a tie of classes 1 and 2). */
    private static Tensor scores() {
        float[] z = {
            5, 0, 0, 0,   // class 0
            1, 3, 2, 0,   // class 1
            0, 1, 2, 9};  // class 2
        return Tensor.of(z, 1, 3, 4);
    }

    @Test
    void diceAndIouAreCountedPerClassWithTheFirstMaximumOnTies() {
        // Prediction 0, 1, 1, 2 against labels 0, 1, 2, 2.
        for (boolean reference : new boolean[] {false, true}) {
            MetricResult result = DiceMetric.builder().reduction(MetricReduction.NONE).referenceKernels(reference).build()
                    .compute(scores(), Tensor.of(new int[] {0, 1, 2, 2}, 1, 4));
            assertArrayEquals(new long[] {1, 1, 1}, result.intersection()[0]);
            assertArrayEquals(new long[] {1, 2, 1}, result.predicted()[0]);
            assertArrayEquals(new long[] {1, 1, 2}, result.target()[0]);
            assertArrayEquals(new double[] {1, 2.0 / 3, 2.0 / 3}, result.dice()[0], 1e-15);
            assertArrayEquals(new double[] {1, 0.5, 0.5}, result.iou()[0], 1e-15);
        }
    }

    @Test
    void emptyTargetsAreNaNOrScoredByThePolicyAndReductionsSkipNaN() {
        // Labels 0, 0, 2, 2: class 1 has an empty target but is predicted twice.
        Tensor labels = Tensor.of(new long[] {0, 0, 2, 2}, 1, 4);
        MetricResult ignoring = DiceMetric.builder().reduction(MetricReduction.NONE).build().compute(scores(), labels);
        assertTrue(Double.isNaN(ignoring.dice()[0][1]));
        assertEquals(2, ignoring.notNan());
        MetricResult keeping = DiceMetric.builder().ignoreEmpty(false).reduction(MetricReduction.MEAN).build()
                .compute(scores(), labels);
        assertEquals(0.0, keeping.dice()[0][1], "predicted but absent: 0");
        assertEquals((2.0 / 3 + 0 + 2.0 / 3) / 3, keeping.reducedDice()[0], 1e-15);
        MetricResult mean = DiceMetric.builder().build().compute(scores(), labels);
        assertEquals((2.0 / 3 + 2.0 / 3) / 2, mean.reducedDice()[0], 1e-15);
        MetricResult noBackground = DiceMetric.builder().includeBackground(false).reduction(MetricReduction.MEAN_BATCH)
                .build().compute(scores(), labels);
        assertEquals(2, noBackground.reducedDice().length);
        assertTrue(Double.isNaN(noBackground.reducedDice()[0]));
        assertEquals(2.0 / 3, noBackground.reducedDice()[1], 1e-15);
    }

    @Test
    void ignoredVoxelsCountInNoClassAndBadLabelsNameTheirTensor() {
        MetricResult result = DiceMetric.builder().ignoreIndex(255).reduction(MetricReduction.NONE).build()
                .compute(scores(), Tensor.ofUint8(new byte[] {0, 1, (byte) 255, 2}, 1, 4));
        assertArrayEquals(new long[] {1, 1, 1}, result.predicted()[0], "voxel 2 ignored");
        String target = assertThrows(IllegalArgumentException.class, () -> DiceMetric.builder().build()
                .compute(scores(), Tensor.of(new int[] {0, 1, 7, 2}, 1, 4))).getMessage();
        assertEquals("target: label 7 at image 0, voxel 2 (spatial index [2]) is not in [0, 3)", target);
        String prediction = assertThrows(IllegalArgumentException.class, () -> DiceMetric.builder().numClasses(3).build()
                .compute(Tensor.of(new int[] {0, 3, 1, 1}, 1, 4), Tensor.of(new int[] {0, 1, 1, 2}, 1, 4))).getMessage();
        assertEquals("prediction: label 3 at image 0, voxel 1 (spatial index [1]) is not in [0, 3)", prediction);
        String classes = assertThrows(IllegalArgumentException.class, () -> DiceMetric.builder().build()
                .compute(Tensor.of(new int[] {0, 1}, 1, 2), Tensor.of(new int[] {0, 1}, 1, 2))).getMessage();
        assertEquals("numClasses: required with a label-map prediction and a label-map target (nothing else says how"
                + " many classes there are)", classes);
    }

    @Test
    void aSigmoidThresholdIsDecidedOnTheLogitsAsOnTheProbabilities() {
        // σ(z) > 0.7 ⇔ z > ln(0.7/0.3) = 0.8473: 0.847 is out, 0.848 in.
        Tensor z = Tensor.of(new float[] {0.847f, 0.848f, -3, 5}, 1, 1, 4);
        MetricResult result = DiceMetric.builder().activation(Activation.SIGMOID).threshold(0.7)
                .reduction(MetricReduction.NONE).build().compute(z, Tensor.of(new float[] {1, 1, 0, 0}, 1, 1, 4));
        assertArrayEquals(new long[] {2}, result.predicted()[0]);
        assertArrayEquals(new long[] {1}, result.intersection()[0]);
    }

    @Test
    void theFastCountsOnOneToFourThreadsEqualTheReferenceCountsExactly() {
        qt().withExamples(Examples.standard()).forAll(Problems.problemsWith(Activation.SOFTMAX, true), booleans().all())
                .checkAssert((problem, coarse) -> {
                    Instance instance = problem.instance();
                    if (coarse) {
                        quantize(instance.logits().segment(), instance.logits().elementCount());
                    }
                    DiceMetric metric = DiceMetric.builder().reduction(MetricReduction.NONE)
                            .ignoreIndex(problem.ignoreIndex()).build();
                    MetricResult fast = metric.toBuilder().threads(1 + (int) (problem.seed() & 3)).build()
                            .compute(instance.logits(), instance.target());
                    MetricResult reference = metric.toBuilder().referenceKernels(true).build()
                            .compute(instance.logits(), instance.target());
                    String context = problem + (coarse ? " (integer scores: many ties)" : "");
                    for (int n = 0; n < problem.shape()[0]; n++) {
                        assertArrayEquals(reference.intersection()[n], fast.intersection()[n], context);
                        assertArrayEquals(reference.predicted()[n], fast.predicted()[n], context);
                        assertArrayEquals(reference.target()[n], fast.target()[n], context);
                    }
                });
    }

    @Test
    void thresholdCountsEqualTheReferenceCountsExactlyForLabelAndDenseTargets() {
        for (boolean labels : new boolean[] {true, false}) {
            qt().withExamples(Examples.scaled(1, 2)).forAll(Problems.problemsWith(Activation.SIGMOID, labels))
                    .checkAssert(problem -> {
                        Instance instance = problem.instance();
                        DiceMetric.Builder builder = DiceMetric.builder().activation(Activation.SIGMOID)
                                .threshold(0.3 + 0.4 * ((problem.seed() >>> 8) & 1)).reduction(MetricReduction.NONE);
                        if (problem.hasIgnore()) {
                            builder.ignoreIndex(problem.ignoreIndex());
                        }
                        DiceMetric metric = builder.build();
                        MetricResult fast = metric.toBuilder().threads(1 + (int) (problem.seed() & 3)).build()
                                .compute(instance.logits(), instance.target());
                        MetricResult reference = metric.toBuilder().referenceKernels(true).build()
                                .compute(instance.logits(), instance.target());
                        for (int n = 0; n < problem.shape()[0]; n++) {
                            assertArrayEquals(reference.intersection()[n], fast.intersection()[n], problem.toString());
                            assertArrayEquals(reference.predicted()[n], fast.predicted()[n], problem.toString());
                            assertArrayEquals(reference.target()[n], fast.target()[n], problem.toString());
                        }
                    });
        }
    }

    /** Rounds every score to an integer in [−2, 2], so that argmax ties are frequent. */
    private static void quantize(MemorySegment scores, long count) {
        for (long i = 0; i < count; i++) {
            float z = scores.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            scores.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, Math.max(-2, Math.min(2, Math.round(z / 4))));
        }
    }

    @Test
    void aLabelMapIsTheDenseShapeWithoutItsChannelAxisOrWithOneOfSizeOneAsForTheLoss() {
        // Scores (1, 2, 2, 2): a label map (1, 2, 2) or (1, 1, 2, 2); (1, 2, 1, 2) has the voxels but not the shape.
        Tensor scores = Tensor.of(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, 1, 2, 2, 2);
        DiceMetric metric = DiceMetric.builder().build();
        int[] labels = {0, 1, 0, 1};
        assertEquals(1.0, metric.compute(scores, Tensor.of(labels, 1, 2, 2)).reducedDice()[0]);
        assertEquals(1.0, metric.compute(scores, Tensor.of(labels, 1, 1, 2, 2)).reducedDice()[0]);
        IllegalArgumentException misplaced = assertThrows(IllegalArgumentException.class,
                () -> metric.compute(scores, Tensor.of(labels, 1, 2, 1, 2)));
        assertEquals("target: a INT32 label map must have shape [1, 2, 2] or [1, 1, 2, 2], got [1, 2, 1, 2]",
                misplaced.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiceLoss.multiClass().forward(scores,
                Tensor.of(labels, 1, 2, 1, 2)), "the loss has the same rule");
        // Two label maps: either may have the channel axis of size 1, and nothing else of size 1 is dropped.
        DiceMetric twoClasses = DiceMetric.builder().numClasses(2).build();
        assertEquals(1.0, twoClasses.compute(Tensor.of(labels, 1, 1, 2, 2), Tensor.of(labels, 1, 2, 2)).reducedDice()[0]);
        assertEquals(1.0, twoClasses.compute(Tensor.of(labels, 1, 2, 2), Tensor.of(labels, 1, 1, 2, 2)).reducedDice()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> twoClasses.compute(Tensor.of(labels, 1, 2, 2, 1), Tensor.of(labels, 1, 2, 2)));
    }

    @Test
    void halfPrecisionScoresAreRefusedWithTheirType() {
        String message = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DiceMetric.builder().build().compute(Tensor.of(java.lang.foreign.MemorySegment.ofArray(new short[32]),
                        DType.FLOAT16, 1, 2, 16), Tensor.ofUint8(new byte[16], 1, 16))).getMessage();
        org.junit.jupiter.api.Assertions.assertEquals(
                "prediction: expected FLOAT32 scores or an integer label map, got FLOAT16", message);
    }
}
