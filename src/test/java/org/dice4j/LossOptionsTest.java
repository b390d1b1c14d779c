package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every option of the contract (docs/semantics.md) on small problems whose statistics are written out by hand. Activation NONE, so the
 * inputs are the probabilities p themselves.
 */
class LossOptionsTest {
    private static final double EPS = 1e-12;

    // Two images, two classes, four voxels: p (channels-first) and a one-hot g.
    private static final float[] P = {
        0.9f, 0.2f, 0.6f, 0.1f, /* image 0, class 0 */ 0.1f, 0.8f, 0.4f, 0.9f, /* image 0, class 1 */
        0.5f, 0.5f, 0.5f, 0.5f, /* image 1, class 0 */ 0.5f, 0.5f, 0.5f, 0.5f /* image 1, class 1 */ };
    private static final float[] G = {
        1, 0, 1, 0, 0, 1, 0, 1,
        1, 1, 1, 1, 0, 0, 0, 0 /* class 1 of image 1 is empty */ };
    private static final long[] SHAPE = {2, 2, 4};

    // Statistics by hand (q = 1): rows are (image, class) = (0,0), (0,1), (1,0), (1,1).
    private static final double[] I = {1.5, 1.7, 2.0, 0.0};
    private static final double[] PS = {1.8, 2.2, 2.0, 2.0};
    private static final double[] GS = {2.0, 2.0, 4.0, 0.0};

    private static LossResult run(DiceLoss.Builder builder) {
        return builder.activation(Activation.NONE).build().forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE));
    }

    private static DiceLoss.Builder plain() {
        return DiceLoss.builder().smooth(0.0);
    }

    private static double dice(int term, double smoothNr, double smoothDr) {
        return (2 * I[term] + smoothNr) / (PS[term] + GS[term] + smoothDr);
    }

    @Test
    void statisticsAreTheSumsTheContractDefines() {
        Statistics stats = run(plain()).statistics();
        for (int term = 0; term < 4; term++) {
            assertEquals(I[term], stats.intersection(term / 2, term % 2), 1e-6);
            assertEquals(PS[term], stats.predSum(term / 2, term % 2), 1e-6);
            assertEquals(GS[term], stats.targetSum(term / 2, term % 2), 1e-6);
        }
    }

    @Test
    void diceIsTheMeanOfOneMinusTheScoreOverImagesAndClasses() {
        LossResult result = run(DiceLoss.builder().smoothNumerator(0.1).smoothDenominator(0.2));
        double expected = 0;
        for (int term = 0; term < 4; term++) {
            expected += 1 - dice(term, 0.1, 0.2);
            assertEquals(1 - dice(term, 0.1, 0.2), result.term(term / 2, term % 2), 1e-6);
        }
        assertEquals(expected / 4, result.loss(), 1e-6);
    }

    @Test
    void defaultSmoothingIsOneHundredThousandthInNumeratorAndDenominator() {
        assertEquals((1 - dice(3, 1e-5, 1e-5)), run(DiceLoss.builder()).term(1, 1), 1e-7);
    }

    @Test
    void jaccardScoreIsIntersectionOverUnion() {
        LossResult result = run(plain().variant(Variant.JACCARD));
        assertEquals(1 - 1.5 / (1.8 + 2.0 - 1.5), result.term(0, 0), 1e-6);
    }

    @Test
    void tverskyWeighsFalsePositivesByAlphaAndFalseNegativesByBeta() {
        LossResult result = run(plain().tversky(0.3, 0.7));
        double fp = PS[1] - I[1];
        double fn = GS[1] - I[1];
        assertEquals(1 - I[1] / (I[1] + 0.3 * fp + 0.7 * fn), result.term(0, 1), 1e-6);
    }

    @Test
    void tverskyWithHalfWeightsIsDiceWithHalvedSmoothingAndWithUnitWeightsIsJaccard() {
        LossResult tverskyHalf = run(DiceLoss.builder().smooth(0.2).tversky(0.5, 0.5));
        LossResult dice = run(DiceLoss.builder().smooth(0.4));
        LossResult tverskyOne = run(DiceLoss.builder().smooth(0.2).tversky(1, 1));
        LossResult jaccard = run(DiceLoss.builder().smooth(0.2).variant(Variant.JACCARD));
        for (int term = 0; term < 4; term++) {
            assertEquals(dice.term(term / 2, term % 2), tverskyHalf.term(term / 2, term % 2), 1e-6);
            assertEquals(jaccard.term(term / 2, term % 2), tverskyOne.term(term / 2, term % 2), 1e-6);
        }
    }

    @Test
    void focalExponentRaisesEachTermToGamma() {
        LossResult result = run(plain().focalGamma(2.5));
        assertEquals(Math.pow(1 - dice(0, 0, 0), 2.5), result.term(0, 0), 1e-6);
    }

    @Test
    void logLossIsMinusTheLogarithmOfTheScoreClampedAt1e7() {
        LossResult result = run(plain().logLoss(true));
        assertEquals(-Math.log(dice(1, 0, 0)), result.term(0, 1), 1e-6);
        // Class 1 of image 1: I = 0, so the score is 0 and the term is −ln(1e-7).
        assertEquals(-Math.log(1e-7), result.term(1, 1), 1e-9);
    }

    @Test
    void squaredUsesSumsOfSquaresInTheDenominator() {
        LossResult result = run(plain().squared(true));
        double predSquares = 0.81 + 0.04 + 0.36 + 0.01;
        assertEquals(1 - 2 * 1.5 / (predSquares + 2.0), result.term(0, 0), 1e-6);
        assertEquals(predSquares, result.statistics().predSum(0, 0), 1e-6);
    }

    @Test
    void softLabelMakesTheLossOfPEqualToGItsMinimumAlsoForSoftTargets() {
        float[] soft = {0.3f, 0.7f, 0.5f, 0.2f, 0.7f, 0.3f, 0.5f, 0.8f};
        long[] shape = {1, 2, 4};
        DiceLoss withSoftLabel = DiceLoss.builder().activation(Activation.NONE).softLabel(true).smooth(0).build();
        DiceLoss without = withSoftLabel.toBuilder().softLabel(false).build();
        assertEquals(0.0, withSoftLabel.forward(Tensor.of(soft, shape), Tensor.of(soft, shape)).loss(), 1e-6);
        assertTrue(without.forward(Tensor.of(soft, shape), Tensor.of(soft, shape)).loss() > 0.1);
        // (P + G − A)/2 = Σ min(p, g).
        LossResult result = run(plain().softLabel(true));
        double minSum = Math.min(0.9, 1) + Math.min(0.2, 0) + Math.min(0.6, 1) + Math.min(0.1, 0);
        assertEquals(1 - 2 * minSum / (1.8 + 2.0), result.term(0, 0), 1e-6);
    }

    @Test
    void aDenominatorBelowTheFloorIsRaisedToIt() {
        float[] p = {0.001f, 0.001f};
        float[] g = {0, 0};
        long[] shape = {1, 1, 2};
        DiceLoss floored = DiceLoss.builder().activation(Activation.NONE).smoothNumerator(0.001)
                .smoothDenominator(0).denominatorFloor(0.5).build();
        assertEquals(1 - 0.001 / 0.5, floored.forward(Tensor.of(p, shape), Tensor.of(g, shape)).loss(), 1e-7);
    }

    @Test
    void batchSumsEachStatisticOverImagesBeforeScoring() {
        LossResult result = run(plain().batch(true));
        assertEquals(1, result.rows());
        double class0 = 1 - 2 * (I[0] + I[2]) / (PS[0] + PS[2] + GS[0] + GS[2]);
        double class1 = 1 - 2 * (I[1] + I[3]) / (PS[1] + PS[3] + GS[1] + GS[3]);
        assertEquals(class0, result.term(0, 0), 1e-6);
        assertEquals((class0 + class1) / 2, result.loss(), 1e-6);
    }

    @Test
    void excludingTheBackgroundDropsClassZeroButKeepsItInTheSoftmax() {
        LossResult result = run(plain().includeBackground(false).reduction(Reduction.NONE));
        assertEquals(1, result.columns());
        assertEquals(1, result.firstClass());
        assertEquals(1 - dice(1, 0, 0), result.term(0, 0), 1e-6);
    }

    @Test
    void classWeightsMultiplyTermsAndTheMeanDividesByTheCountOrByTheWeightSum() {
        double[] ell = new double[4];
        for (int term = 0; term < 4; term++) {
            ell[term] = 1 - dice(term, 0.5, 0.5);
        }
        double weighted = 0.2 * ell[0] + 3 * ell[1] + 0.2 * ell[2] + 3 * ell[3];
        assertEquals(weighted / 4, run(DiceLoss.builder().smooth(0.5).classWeights(0.2, 3)).loss(), 1e-6);
        assertEquals(weighted / (2 * 3.2), run(DiceLoss.builder().smooth(0.5).classWeights(0.2, 3)
                .weightNormalization(WeightNormalization.WEIGHT_SUM)).loss(), 1e-6);
        assertEquals(weighted, run(DiceLoss.builder().smooth(0.5).classWeights(0.2, 3)
                .reduction(Reduction.SUM)).loss(), 1e-6);
    }

    @Test
    void emptyTargetsAreComputedZeroedOrExcludedAsThePolicySays() {
        DiceLoss.Builder smooth = DiceLoss.builder().smooth(0.5);
        double emptyTerm = 1 - 0.5 / (2.0 + 0.5);
        double others = (1 - dice(0, 0.5, 0.5)) + (1 - dice(1, 0.5, 0.5)) + (1 - dice(2, 0.5, 0.5));
        assertEquals((others + emptyTerm) / 4, run(smooth.emptyPolicy(EmptyPolicy.INCLUDE)).loss(), 1e-6);
        assertEquals(others / 4, run(smooth.emptyPolicy(EmptyPolicy.ZERO)).loss(), 1e-6);
        LossResult excluded = run(smooth.emptyPolicy(EmptyPolicy.EXCLUDE));
        assertEquals(others / 3, excluded.loss(), 1e-6);
        assertEquals(3, excluded.countedTerms());
        assertTrue(Double.isNaN(run(smooth.emptyPolicy(EmptyPolicy.EXCLUDE).reduction(Reduction.NONE)).term(1, 1)));
    }

    @Test
    void aLossWhoseEveryTermIsExcludedIsZero() {
        float[] p = {0.3f, 0.6f};
        float[] g = {0, 0};
        long[] shape = {1, 1, 2};
        DiceLoss loss = DiceLoss.builder().activation(Activation.NONE).emptyPolicy(EmptyPolicy.EXCLUDE).build();
        LossResult result = loss.forward(Tensor.of(p, shape), Tensor.of(g, shape));
        assertEquals(0.0, result.loss());
        assertEquals(0, result.countedTerms());
    }

    @Test
    void reductionNoneGivesTheMatrixOfWeightedTermsAndNoScalar() {
        LossResult result = run(plain().classWeights(2, 1).reduction(Reduction.NONE));
        assertEquals(2, result.rows());
        assertEquals(2, result.columns());
        assertEquals(2 * (1 - dice(2, 0, 0)), result.terms()[1][0], 1e-6);
        assertThrows(IllegalStateException.class, result::loss);
    }

    @Test
    void ignoredVoxelsCountInNoSum() {
        // Voxels 1 and 3 of image 0 carry the ignore index; the result equals the problem without them.
        float[] logits = {2f, -1f, 0.5f, 3f, -2f, 1f, 0.25f, -3f};
        long[] labelsWithIgnored = {1, -100, 0, -100};
        float[] kept = {2f, 0.5f, -2f, 0.25f};
        long[] keptLabels = {1, 0};
        DiceLoss loss = DiceLoss.builder().ignoreIndex(-100).reduction(Reduction.NONE).build();
        LossResult masked = loss.forward(Tensor.of(logits, 1, 2, 4), Tensor.of(labelsWithIgnored, 1, 4));
        LossResult reference = loss.forward(Tensor.of(kept, 1, 2, 2), Tensor.of(keptLabels, 1, 2));
        for (int c = 0; c < 2; c++) {
            assertEquals(reference.term(0, c), masked.term(0, c), EPS);
            assertEquals(reference.statistics().predSum(0, c), masked.statistics().predSum(0, c), 1e-6);
        }
    }

    @Test
    void lossValueIsTheReducedLossOfForward() {
        for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
            DiceLoss.Builder builder = DiceLoss.builder().smooth(0.3).classWeights(0.5, 2).batch(true)
                    .emptyPolicy(EmptyPolicy.EXCLUDE).reduction(reduction).activation(Activation.NONE);
            DiceLoss loss = builder.build();
            assertEquals(loss.forward(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE)).loss(),
                    loss.lossValue(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE)), 0.0);
        }
        DiceLoss none = DiceLoss.builder().reduction(Reduction.NONE).build();
        assertThrows(IllegalStateException.class, () -> none.lossValue(Tensor.of(P, SHAPE), Tensor.of(G, SHAPE)));
    }

    @Test
    void anEmptySpatialAxisGivesZeroStatisticsAndTheSmoothingOnlyScore() {
        LossResult result = DiceLoss.builder().smooth(1).build()
                .forward(Tensor.of(new float[0], 2, 3, 0, 4), Tensor.of(new long[0], 2, 0, 4));
        assertEquals(0.0, result.statistics().predSum(1, 2));
        assertEquals(0.0, result.loss(), EPS, "S = (0 + 1)/(0 + 1) = 1 for every term");
    }
}
