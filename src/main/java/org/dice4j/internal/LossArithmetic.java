package org.dice4j.internal;

import org.dice4j.Activation;
import org.dice4j.Reduction;
import org.dice4j.WeightNormalization;

/**
 * The loss as a pure function of the statistics (docs/semantics.md, "Scores and terms" to "Dice + cross-entropy"), in double: the score and
 * term of every (row, class), generalized Dice, the reduction and the cross-entropy part. Its score functions are
 * shared with {@link GradientCoefficients}, which differentiates them. Not an API: internal to dice4j.
 */
public final class LossArithmetic {
    /** Smallest score {@code −ln} is applied to with logLoss. */
    public static final double LOG_LOSS_MIN_SCORE = 1e-7;

    private final LossOptions options;

    public LossArithmetic(LossOptions options) {
        this.options = options;
    }

    /**
     * The loss of {@code statistics}, filling {@code terms} (rows × columns of w·ℓ, NaN where excluded) unless it is
     * null; {@code scratch} lends generalized Dice its class weights.
     */
    public LossValue evaluate(StatisticsTable statistics, double[][] terms, LossScratch scratch) {
        DicePart dice = options.generalized() != null
                ? generalized(statistics, terms, scratch.weights(statistics.classes()))
                : perClass(statistics, terms);
        return withCrossEntropy(statistics, dice);
    }

    /** The reduced Dice part: L_dice, its counted terms and ∂L_dice/∂(w·ℓ) of a counted term. */
    private record DicePart(double loss, int counted, double byWeightedTerm) {}

    private DicePart perClass(StatisticsTable statistics, double[][] terms) {
        int firstClass = options.firstClass();
        double weightedSum = 0;
        double weightSum = 0;
        int counted = 0;
        for (int row = 0; row < options.rows(statistics.images()); row++) {
            for (int c = firstClass; c < statistics.classes(); c++) {
                double targetSum = sum(statistics, row, c, StatisticsPass.TARGET_SUM);
                double weightedTerm = Double.NaN;
                if (options.counts(targetSum)) {
                    double term = options.zeroTerm(targetSum) ? 0.0 : term(statistics, row, c, targetSum);
                    double weight = options.weight(c);
                    weightedTerm = weight * term;
                    weightedSum += weightedTerm;
                    weightSum += weight;
                    counted++;
                }
                if (terms != null) {
                    terms[row][c - firstClass] = weightedTerm;
                }
            }
        }
        return reduced(weightedSum, weightSum, counted);
    }

    private DicePart reduced(double weightedSum, double weightSum, int counted) {
        double denominator = options.weightNormalization() == WeightNormalization.COUNT ? counted : weightSum;
        double loss = switch (options.reduction()) {
            case SUM -> weightedSum;
            case MEAN -> counted == 0 || denominator == 0 ? 0.0 : weightedSum / denominator;
            case NONE -> Double.NaN;
        };
        // ∂L/∂(w·ℓ) of every counted term: MEAN divides by a denominator that does not depend on the logits.
        double byWeightedTerm = switch (options.reduction()) {
            case SUM, NONE -> 1.0;
            case MEAN -> counted == 0 || denominator == 0 ? 0.0 : 1.0 / denominator;
        };
        return new DicePart(loss, counted, byWeightedTerm);
    }

    /** ℓ of term (row, c) from its statistics. */
    private double term(StatisticsTable statistics, int row, int c, double targetSum) {
        double overlap = overlap(statistics, row, c);
        double denominator = denominator(overlap, sum(statistics, row, c, StatisticsPass.PRED_SUM), targetSum);
        double floor = options.denominatorFloor();
        // A floor of 0 is off: denominators may be negative when inputs are not probabilities (MONAI's log_softmax cases).
        double score = numerator(overlap) / (floor > 0 ? Math.max(denominator, floor) : denominator);
        if (options.logLoss()) {
            return -Math.log(Math.max(score, LOG_LOSS_MIN_SCORE));
        }
        double gamma = options.focalGamma();
        return gamma == 1.0 ? 1.0 - score : Math.pow(1.0 - score, gamma);
    }

    /** ∂ℓ/∂S of a term with score S (the floor of logLoss has no slope). */
    double termByScore(double score) {
        if (options.logLoss()) {
            return score >= LOG_LOSS_MIN_SCORE ? -1 / score : 0;
        }
        double gamma = options.focalGamma();
        return gamma == 1.0 ? -1 : -gamma * Math.pow(1 - score, gamma - 1);
    }

    /** Statistic k of term (row, c): image row's, or its sum over the images with batch statistics. */
    double sum(StatisticsTable statistics, int row, int c, int k) {
        return statistics.sum(options.firstImage(row), options.lastImage(row, statistics.images()), c, k);
    }

    /** The overlap of term (row, c): I, or with softLabel M = Σ min(p, g), the contract's (P + G − A)/2 with A = Σ|p − g|, without its cancellation. */
    double overlap(StatisticsTable statistics, int row, int c) {
        return sum(statistics, row, c, options.softLabel() ? StatisticsPass.SOFT_INTERSECTION : StatisticsPass.INTERSECTION);
    }

    /** The score's numerator. */
    double numerator(double overlap) {
        return switch (options.variant()) {
            case DICE -> 2 * overlap + options.smoothNumerator();
            case JACCARD, TVERSKY -> overlap + options.smoothNumerator();
        };
    }

    /** The score's denominator, before any floor. */
    double denominator(double overlap, double predSum, double targetSum) {
        return switch (options.variant()) {
            case DICE -> predSum + targetSum + options.smoothDenominator();
            case JACCARD -> predSum + targetSum - overlap + options.smoothDenominator();
            case TVERSKY -> overlap + options.alpha() * (predSum - overlap) + options.beta() * (targetSum - overlap)
                    + options.smoothDenominator();
        };
    }

    /** ∂numerator/∂overlap. */
    double numeratorByOverlap() {
        return switch (options.variant()) {
            case DICE -> 2;
            case JACCARD, TVERSKY -> 1;
        };
    }

    /** ∂denominator/∂overlap. */
    double denominatorByOverlap() {
        return switch (options.variant()) {
            case DICE -> 0;
            case JACCARD -> -1;
            case TVERSKY -> 1 - options.alpha() - options.beta();
        };
    }

    /** ∂denominator/∂P. */
    double denominatorByPredSum() {
        return switch (options.variant()) {
            case DICE, JACCARD -> 1;
            case TVERSKY -> options.alpha();
        };
    }

    /**
     * One row of generalized Dice, {@code 1 − N/D} with {@code N = 2·Σ_c w_c I_c + s_nr} and {@code D = Σ_c w_c (P_c +
     * G_c) + s_dr} over the classes from firstClass: {@code used} is D, or the floor it was raised to.
     */
    record GeneralizedRow(double numerator, double used, boolean floored) {}

    /**
     * Generalized Dice's row {@code row}, its class weights w_c (from G_c) written into {@code weights}: an infinite
     * weight (G_c = 0) is replaced by the row's largest finite weight (0 if none).
     */
    GeneralizedRow generalizedRow(StatisticsTable statistics, int row, double[] weights) {
        double largestFinite = 0;
        for (int c = options.firstClass(); c < statistics.classes(); c++) {
            double targetSum = sum(statistics, row, c, StatisticsPass.TARGET_SUM);
            weights[c] = switch (options.generalized()) {
                case SQUARE -> 1 / (targetSum * targetSum);
                case SIMPLE -> 1 / targetSum;
                case UNIFORM -> 1;
            };
            if (Double.isFinite(weights[c])) {
                largestFinite = Math.max(largestFinite, weights[c]);
            }
        }
        double numerator = options.smoothNumerator();
        double denominator = options.smoothDenominator();
        for (int c = options.firstClass(); c < statistics.classes(); c++) {
            if (Double.isInfinite(weights[c])) {
                weights[c] = largestFinite;
            }
            numerator += 2 * weights[c] * overlap(statistics, row, c);
            denominator += weights[c] * (sum(statistics, row, c, StatisticsPass.PRED_SUM)
                    + sum(statistics, row, c, StatisticsPass.TARGET_SUM));
        }
        double floor = options.denominatorFloor();
        boolean floored = floor > 0 && denominator < floor;
        return new GeneralizedRow(numerator, floored ? floor : denominator, floored);
    }

    private DicePart generalized(StatisticsTable statistics, double[][] terms, double[] weights) {
        int rows = options.rows(statistics.images());
        double total = 0;
        for (int row = 0; row < rows; row++) {
            GeneralizedRow parts = generalizedRow(statistics, row, weights);
            double term = 1 - parts.numerator() / parts.used();
            total += term;
            if (terms != null) {
                terms[row][0] = term;
            }
        }
        double loss = switch (options.reduction()) {
            case SUM -> total;
            case MEAN -> total / rows;
            case NONE -> Double.NaN;
        };
        return new DicePart(loss, rows, options.reduction() == Reduction.MEAN ? 1.0 / rows : 1.0);
    }

    /**
     * {@code L = λ_dice·L_dice + λ_ce·L_ce}, with L_ce the mean cross-entropy over the unmasked voxels (softmax) or
     * elements (sigmoid), 0 when all are masked.
     */
    private LossValue withCrossEntropy(StatisticsTable statistics, DicePart dice) {
        double lambdaDice = options.lambdaDice();
        if (!options.crossEntropy()) {
            double loss = lambdaDice != 1.0 ? lambdaDice * dice.loss() : dice.loss();
            double byWeightedTerm = lambdaDice != 1.0 ? dice.byWeightedTerm() * lambdaDice : dice.byWeightedTerm();
            return new LossValue(loss, dice.counted(), byWeightedTerm, dice.loss(), Double.NaN, 0);
        }
        int images = statistics.images();
        double sum = statistics.sum(0, images, 0, StatisticsPass.CROSS_ENTROPY);
        double voxels = statistics.sum(0, images, 0, StatisticsPass.VOXELS);
        int classes = statistics.classes();
        double count = options.activationFor(classes) == Activation.SIGMOID ? voxels * classes : voxels;
        double crossEntropy = count == 0 ? 0.0 : sum / count;
        double lambda = options.lambdaCrossEntropy();
        return new LossValue(lambdaDice * dice.loss() + lambda * crossEntropy, dice.counted(),
                dice.byWeightedTerm() * lambdaDice, dice.loss(), crossEntropy, count == 0 ? 0.0 : lambda / count);
    }
}
