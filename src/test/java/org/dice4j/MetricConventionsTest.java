package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Conventions of the hard metric that no upstream vector pins (docs/semantics.md, "Hard metric"): a mean over no
 * value is NaN, not 0 ("no class present" must not read as "Dice 0"), and scores without an activation on one
 * channel are compared with the threshold itself.
 */
class MetricConventionsTest {
    @Test
    void aMeanOverNoValueIsNaN() {
        // Two images of three classes, every target voxel background, the background excluded: every entry is NaN.
        Tensor scores = Tensor.of(new float[] {5, 5, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0}, 2, 3, 2);
        Tensor labels = Tensor.of(new int[] {0, 0, 0, 0}, 2, 2);
        DiceMetric.Builder builder = DiceMetric.builder().includeBackground(false);
        MetricResult mean = builder.reduction(MetricReduction.MEAN).build().compute(scores, labels);
        assertEquals(0, mean.notNan());
        assertTrue(Double.isNaN(mean.reducedDice()[0]), "MEAN of nothing");
        assertTrue(Double.isNaN(mean.reducedIou()[0]), "MEAN of nothing");
        MetricResult perClass = builder.reduction(MetricReduction.MEAN_BATCH).build().compute(scores, labels);
        assertEquals(2, perClass.reducedDice().length);
        assertTrue(Double.isNaN(perClass.reducedDice()[0]) && Double.isNaN(perClass.reducedDice()[1]));
    }

    @Test
    void oneChannelWithoutActivationIsComparedWithTheThresholdItself() {
        Tensor scores = Tensor.of(new float[] {0.2f, 0.5f, 0.51f, 0.9f}, 1, 1, 4);
        MetricResult result = DiceMetric.builder().activation(Activation.NONE).threshold(0.5)
                .reduction(MetricReduction.NONE).build().compute(scores, Tensor.of(new float[] {0, 1, 1, 1}, 1, 1, 4));
        assertArrayEquals(new long[] {2}, result.predicted()[0], "0.5 is not above 0.5");
        assertArrayEquals(new long[] {2}, result.intersection()[0]);
        assertEquals(2.0 * 2 / (2 + 3), result.dice()[0][0], 1e-15);
    }
}
