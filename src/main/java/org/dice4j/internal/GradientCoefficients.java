package org.dice4j.internal;

import java.util.Arrays;

/**
 * The gradient coefficients of a loss, in one place: their layout, which every kernel reads (through
 * {@link GradientPass}), and their computation from the statistics (docs/semantics.md, "Gradient"). Per (image, class),
 *
 * <pre>∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g)</pre>
 *
 * at {@code coefficients[(n * classes + c) * COEFFICIENTS + k]} for k in {@link #TARGET} (a), {@link #PREDICTION}
 * (b, the factor q of p^q included) and {@link #SIGN} (e, soft-label formulation only), and the cross-entropy's κ at
 * {@link #CROSS_ENTROPY}. Not an API: internal to dice4j.
 */
public final class GradientCoefficients {
    public static final int TARGET = 0;
    public static final int PREDICTION = 1;
    public static final int SIGN = 2;
    public static final int CROSS_ENTROPY = 3;
    /** Coefficients per (image, class). */
    public static final int COEFFICIENTS = 4;

    private final LossOptions options;
    private final LossArithmetic arithmetic;

    public GradientCoefficients(LossOptions options) {
        this.options = options;
        this.arithmetic = new LossArithmetic(options);
    }

    /** The coefficients of {@code images × classes} terms. */
    public static int length(int images, int classes) {
        return images * classes * COEFFICIENTS;
    }

    /**
     * Writes the coefficients of ∂(upstream·L)/∂p of every (image, class) of {@code statistics} into {@code out}, with
     * {@code value} their loss ({@link LossArithmetic#evaluate}): every counted term's ∂L/∂(w·ℓ) is
     * {@code upstream}·byWeightedTerm, times {@code upstreamTerms[row][column]} when given (reduction NONE); κ is
     * {@code upstream}·byCrossEntropy.
     */
    public void fill(StatisticsTable statistics, LossValue value, double upstream, double[][] upstreamTerms,
            double[] out, LossScratch scratch) {
        int terms = statistics.images() * statistics.classes();
        Arrays.fill(out, 0, terms * COEFFICIENTS, 0.0);
        double crossEntropy = upstream * value.byCrossEntropy();
        if (crossEntropy != 0) {
            for (int i = 0; i < terms; i++) {
                out[i * COEFFICIENTS + CROSS_ENTROPY] = crossEntropy;
            }
        }
        double byWeightedTerm = upstream * value.byWeightedTerm();
        if (options.generalized() != null) {
            fillGeneralized(statistics, byWeightedTerm, upstreamTerms, out, scratch.weights(statistics.classes()));
        } else {
            fillPerClass(statistics, byWeightedTerm, upstreamTerms, out);
        }
    }

    /**
     * The coefficients of a tile of {@code tileImages} images from {@code firstImage}, where L is the loss of
     * {@code whole} (the statistics of every tile): those of the whole input, restricted to the tile.
     */
    public double[] ofTile(StatisticsTable whole, int firstImage, int tileImages, double upstream) {
        LossScratch scratch = new LossScratch();
        LossValue value = arithmetic.evaluate(whole, null, scratch);
        double[] all = new double[length(whole.images(), whole.classes())];
        fill(whole, value, upstream, null, all, scratch);
        return Arrays.copyOfRange(all, length(firstImage, whole.classes()),
                length(firstImage + tileImages, whole.classes()));
    }

    private void fillPerClass(StatisticsTable statistics, double byWeightedTerm, double[][] upstreamTerms,
            double[] out) {
        int firstClass = options.firstClass();
        for (int row = 0; row < options.rows(statistics.images()); row++) {
            for (int c = firstClass; c < statistics.classes(); c++) {
                double targetSum = arithmetic.sum(statistics, row, c, StatisticsPass.TARGET_SUM);
                if (!options.counts(targetSum) || options.zeroTerm(targetSum)) {
                    continue;
                }
                double byTerm = byWeightedTerm * options.weight(c)
                        * (upstreamTerms == null ? 1.0 : upstreamTerms[row][c - firstClass]);
                fillTerm(statistics, row, c, targetSum, byTerm, out);
            }
        }
    }

    /** The coefficients of term (row, c) from ∂ℓ/∂I and ∂ℓ/∂P; a floored denominator is a constant. */
    private void fillTerm(StatisticsTable statistics, int row, int c, double targetSum, double byTerm, double[] out) {
        double overlap = arithmetic.overlap(statistics, row, c);
        double predSum = arithmetic.sum(statistics, row, c, StatisticsPass.PRED_SUM);
        double numerator = arithmetic.numerator(overlap);
        double denominator = arithmetic.denominator(overlap, predSum, targetSum);
        double floor = options.denominatorFloor();
        boolean floored = floor > 0 && denominator < floor;
        double used = floored ? floor : denominator;
        double scoreByOverlap = arithmetic.numeratorByOverlap() / used
                - (floored ? 0 : numerator * arithmetic.denominatorByOverlap() / (used * used));
        double scoreByPredSum = floored ? 0 : -numerator * arithmetic.denominatorByPredSum() / (used * used);
        double termByScore = arithmetic.termByScore(numerator / used);
        write(out, statistics, row, c, byTerm * (termByScore * scoreByOverlap), byTerm * (termByScore * scoreByPredSum));
    }

    /** Generalized Dice's coefficients, its weights held constant. */
    private void fillGeneralized(StatisticsTable statistics, double byTerm, double[][] upstreamTerms, double[] out,
            double[] weights) {
        for (int row = 0; row < options.rows(statistics.images()); row++) {
            LossArithmetic.GeneralizedRow parts = arithmetic.generalizedRow(statistics, row, weights);
            double used = parts.used();
            double factor = byTerm * (upstreamTerms == null ? 1 : upstreamTerms[row][0]);
            for (int c = options.firstClass(); c < statistics.classes(); c++) {
                // ℓ = 1 − N/D: ∂ℓ/∂I_c = −2w_c/D, ∂ℓ/∂P_c = N·w_c/D² (0 through a floored denominator).
                double byOverlap = factor * (-2 * weights[c] / used);
                double byPredSum = parts.floored() ? 0 : factor * parts.numerator() * weights[c] / (used * used);
                write(out, statistics, row, c, byOverlap, byPredSum);
            }
        }
    }

    /** a, b, e of (image, class) for every image of {@code row}, from ∂L/∂I (or the soft overlap) and ∂L/∂P. */
    private void write(double[] out, StatisticsTable statistics, int row, int c, double byOverlap, double byPredSum) {
        double a;
        double b;
        double e;
        if (options.softLabel()) {
            // I = Σ min(p, g) = (P + G − A)/2: ∂I/∂p = (1 − sign(p − g))/2.
            a = 0;
            b = byPredSum + byOverlap / 2;
            e = -byOverlap / 2;
        } else {
            a = byOverlap;
            b = options.squared() ? 2 * byPredSum : byPredSum;
            e = 0;
        }
        for (int n = options.firstImage(row); n < options.lastImage(row, statistics.images()); n++) {
            int base = (n * statistics.classes() + c) * COEFFICIENTS;
            out[base + TARGET] = a;
            out[base + PREDICTION] = b;
            out[base + SIGN] = e;
        }
    }
}
