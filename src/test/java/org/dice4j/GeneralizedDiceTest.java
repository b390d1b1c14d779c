package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Generalized Dice (docs/semantics.md, "Generalized Dice") on problems whose statistics are written out by hand:
 * one term per row, class weights from the target volumes, and the rule for an empty class, whose weight 1/G² is
 * infinite: it takes the largest finite weight of its row, or 0 when no weight of the row is finite. Activation NONE,
 * so the inputs are the probabilities themselves.
 */
class GeneralizedDiceTest {
    // One image, three classes, four voxels; class 2's target is empty.
    private static final float[] P = {
        0.9f, 0.2f, 0.6f, 0.1f, /* class 0 */ 0.1f, 0.7f, 0.3f, 0.4f, /* class 1 */ 0.0f, 0.1f, 0.1f, 0.5f};
    private static final float[] G = {
        1, 0, 1, 0, /* class 0: G = 2 */ 1, 1, 0, 1, /* class 1: G = 3 */ 0, 0, 0, 0};
    private static final long[] SHAPE = {1, 3, 4};

    // By hand: (I, P, G) of classes 0, 1, 2.
    private static final double[] I = {1.5, 1.2, 0.0};
    private static final double[] PS = {1.8, 1.5, 0.7};
    private static final double[] GS = {2.0, 3.0, 0.0};

    private static DiceLoss.Builder generalized(GeneralizedWeight weights) {
        return DiceLoss.builder().activation(Activation.NONE).generalized(weights).smooth(0);
    }

    /** 1 − 2·Σ_c w_c I_c / Σ_c w_c (P_c + G_c), without smoothing. */
    private static double loss(double[] w, double[] i, double[] ps, double[] gs) {
        double numerator = 0;
        double denominator = 0;
        for (int c = 0; c < w.length; c++) {
            numerator += 2 * w[c] * i[c];
            denominator += w[c] * (ps[c] + gs[c]);
        }
        return 1 - numerator / denominator;
    }

    private static double loss(double[] w) {
        return loss(w, I, PS, GS);
    }

    @Test
    void anEmptyClassTakesTheLargestFiniteWeightOfItsRow() {
        LossResult square = generalized(GeneralizedWeight.SQUARE).reduction(Reduction.NONE).build()
                .forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE));
        assertEquals(1, square.columns(), "one term per row");
        assertEquals(loss(new double[] {1 / 4.0, 1 / 9.0, 1 / 4.0}), square.term(0, 0), 1e-6);
        LossResult simple = generalized(GeneralizedWeight.SIMPLE).build()
                .forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE));
        assertEquals(loss(new double[] {1 / 2.0, 1 / 3.0, 1 / 2.0}), simple.loss(), 1e-6);
        LossResult uniform = generalized(GeneralizedWeight.UNIFORM).build()
                .forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE));
        assertEquals(loss(new double[] {1, 1, 1}), uniform.loss(), 1e-6);
    }

    @Test
    void aRowWithoutAnyTargetHasWeightsZeroAndTheSmoothingOnlyScore() {
        float[] empty = new float[G.length];
        LossResult result = generalized(GeneralizedWeight.SQUARE).smoothNumerator(0.2).smoothDenominator(0.5).build()
                .forward(Tensor.of(P, SHAPE), Tensor.of(empty, SHAPE));
        assertEquals(1 - 0.2 / 0.5, result.loss(), 1e-12, "ℓ = 1 − s_nr/s_dr: every weight is 0");
    }

    @Test
    void theRowsAreReducedByTheMeanOrTheSum() {
        float[] p = new float[2 * P.length];
        float[] g = new float[2 * G.length];
        System.arraycopy(P, 0, p, 0, P.length);
        System.arraycopy(G, 0, g, 0, G.length);
        java.util.Arrays.fill(p, P.length, p.length, 0.5f);
        System.arraycopy(G, 0, g, G.length, G.length);
        long[] shape = {2, 3, 4};
        double first = loss(new double[] {1, 1, 1});
        // Image 1: p = 0.5 everywhere, so I_c = G_c/2 and P_c = 2.
        double second = loss(new double[] {1, 1, 1}, new double[] {1, 1.5, 0}, new double[] {2, 2, 2}, GS);
        DiceLoss mean = generalized(GeneralizedWeight.UNIFORM).build();
        assertEquals((first + second) / 2, mean.forward(Tensor.of(p, shape), Tensor.of(g, shape)).loss(), 1e-6);
        DiceLoss sum = mean.toBuilder().reduction(Reduction.SUM).build();
        assertEquals(first + second, sum.forward(Tensor.of(p, shape), Tensor.of(g, shape)).loss(), 1e-6);
    }
}
