package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The scalar accessors of a MEAN metric beside the arrays of every reduction. */
class MetricResultTest {
    private static final float[] SCORES = {
        0.9f, 0.1f, 0.8f, 0.3f, /* image 0, class 0 */ 0.1f, 0.9f, 0.2f, 0.7f, /* image 0, class 1 */
        0.6f, 0.6f, 0.2f, 0.1f, /* image 1, class 0 */ 0.4f, 0.4f, 0.8f, 0.9f /* image 1, class 1 */ };
    private static final long[] LABELS = {0, 1, 0, 0, 0, 1, 1, 1};

    private static MetricResult compute(MetricReduction reduction) {
        return DiceMetric.builder().reduction(reduction).build()
                .compute(Tensor.of(SCORES, 2, 2, 4), Tensor.of(LABELS, 2, 4));
    }

    @Test
    void meanDiceAndMeanIouAreTheMeansValueAsANumber() {
        MetricResult mean = compute(MetricReduction.MEAN);
        // Argmax: image 0 predicts {0, 2} | {1, 3} against {0, 2, 3} | {1}: Dice 4/5 and 2/3, IoU 2/3 and 1/2;
        // image 1 predicts {0, 1} | {2, 3} against {0} | {1, 2, 3}: Dice 2/3 and 4/5, IoU 1/2 and 2/3.
        assertEquals((4.0 / 5 + 2.0 / 3) / 2, mean.meanDice(), 1e-15);
        assertEquals((2.0 / 3 + 1.0 / 2) / 2, mean.meanIou(), 1e-15);
        assertEquals(mean.reducedDice()[0], mean.meanDice());
        assertEquals(mean.reducedIou()[0], mean.meanIou());
    }

    @Test
    void reductionsOfSeveralValuesHaveNoScalar() {
        for (MetricReduction reduction : new MetricReduction[] {MetricReduction.MEAN_BATCH, MetricReduction.NONE}) {
            MetricResult result = compute(reduction);
            assertEquals("meanDice() needs reduction MEAN, got " + reduction + ": use reducedDice()",
                    assertThrows(IllegalStateException.class, result::meanDice).getMessage());
            assertEquals("meanIou() needs reduction MEAN, got " + reduction + ": use reducedIou()",
                    assertThrows(IllegalStateException.class, result::meanIou).getMessage());
        }
    }
}
