package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The mean of weighted terms (docs/semantics.md, "Classes, empty targets, weights, reductions"): COUNT divides by the
 * counted terms, WEIGHT_SUM by the sum of their weights; a term zeroed by the empty policy ZERO still counts, with its
 * weight, one left out by EXCLUDE does not; a weight sum of 0 gives a loss of 0, not NaN. Activation NONE, hand-written
 * sums.
 */
class WeightNormalizationTest {
    // One image, two classes, two voxels; class 1's target is empty.
    private static final float[] P = {0.8f, 0.4f, /* class 0 */ 0.2f, 0.6f /* class 1 */};
    private static final float[] G = {1, 0, 0, 0};
    private static final long[] SHAPE = {1, 2, 2};
    /** ℓ of class 0 without smoothing: 1 − 2·0.8/(1.2 + 1). */
    private static final double CLASS_0 = 1 - 2 * 0.8 / (1.2 + 1);

    private static double loss(DiceLoss.Builder builder) {
        return builder.activation(Activation.NONE).smooth(0).build()
                .forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE)).loss();
    }

    @Test
    void aZeroedTermCountsWithItsWeightAndAnExcludedOneDoesNot() {
        DiceLoss.Builder weighted = DiceLoss.builder().classWeights(1, 3);
        assertEquals(CLASS_0 / 2, loss(weighted.emptyPolicy(EmptyPolicy.ZERO)), 1e-6);
        assertEquals(CLASS_0 / 1, loss(weighted.emptyPolicy(EmptyPolicy.EXCLUDE)), 1e-6);
        weighted.weightNormalization(WeightNormalization.WEIGHT_SUM);
        assertEquals(CLASS_0 / (1 + 3), loss(weighted.emptyPolicy(EmptyPolicy.ZERO)), 1e-6);
        assertEquals(CLASS_0 / 1, loss(weighted.emptyPolicy(EmptyPolicy.EXCLUDE)), 1e-6);
    }

    @Test
    void aMeanOverWeightsThatSumToZeroIsZero() {
        assertEquals(0.0, loss(DiceLoss.builder().classWeights(0, 0)
                .weightNormalization(WeightNormalization.WEIGHT_SUM)));
        assertEquals(0.0, loss(DiceLoss.builder().classWeights(0, 5).emptyPolicy(EmptyPolicy.EXCLUDE)
                .weightNormalization(WeightNormalization.WEIGHT_SUM)), "the only counted term has weight 0");
    }
}
