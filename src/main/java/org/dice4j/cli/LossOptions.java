package org.dice4j.cli;

import java.util.Arrays;
import java.util.Locale;
import java.nio.file.Path;
import org.dice4j.DiceLoss;
import org.dice4j.EmptyPolicy;
import org.dice4j.GeneralizedWeight;
import org.dice4j.Reduction;
import org.dice4j.Variant;
import org.dice4j.WeightNormalization;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options of the loss's semantics (what {@link DiceLoss.Builder} holds), checked under their flags' names and
 * turned into a builder in one place.
 */
final class LossOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    ActivationOption activation;

    @Option(names = "--variant", paramLabel = "dice|jaccard|tversky", defaultValue = "dice",
            description = "Score: Dice 2I/(P+G), Jaccard I/(P+G−I), or Tversky I/(I+α·FP+β·FN). Default:"
                    + " ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--alpha", paramLabel = "X", defaultValue = "0.5",
            description = "Tversky weight α of false positives (with --variant tversky). Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--beta", paramLabel = "X", defaultValue = "0.5",
            description = "Tversky weight β of false negatives (with --variant tversky). Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--focal-gamma", paramLabel = "X", defaultValue = "1",
            description = "Focal exponent γ: each term is (1 − S)^γ. Default: ${DEFAULT-VALUE} (plain 1 − S).")
    double focalGamma;

    @Option(names = "--log-loss", description = "Each term is −ln S instead of 1 − S. Default: off.")
    boolean logLoss;

    @Option(names = "--squared", description = "Σp² and Σg² in the denominator instead of Σp and Σg. Default: off.")
    boolean squared;

    @Option(names = "--soft-label",
            description = "Soft-label formulation (its minimum is at p = g also for soft targets). Default: off.")
    boolean softLabel;

    @Option(names = "--smooth", paramLabel = "X",
            description = "Sets both --smooth-nr and --smooth-dr to this value. Default: unset.")
    Double smooth;

    @Option(names = "--smooth-nr", paramLabel = "X", defaultValue = "1e-5",
            description = "Smoothing added to the score's numerator. Default: ${DEFAULT-VALUE}.")
    double smoothNumerator;

    @Option(names = "--smooth-dr", paramLabel = "X", defaultValue = "1e-5",
            description = "Smoothing added to the score's denominator. Default: ${DEFAULT-VALUE}.")
    double smoothDenominator;

    @Option(names = "--denominator-floor", paramLabel = "X", defaultValue = "0",
            description = "Lower bound of every score's denominator (0: off). Default: ${DEFAULT-VALUE}.")
    double denominatorFloor;

    @Option(names = "--batch",
            description = "Statistics summed over the batch: one term per class instead of per (image, class)."
                    + " Default: off.")
    boolean batch;

    @Option(names = "--exclude-background",
            description = "Drop class 0 from the terms. Default: off (class 0 included).")
    boolean excludeBackground;

    @Option(names = "--weights", split = ",", paramLabel = "w0,w1,…",
            description = "Class weights w_c, C values. Default: all 1.")
    double[] weights;

    @Option(names = "--weight-normalization", paramLabel = "count|weight-sum", defaultValue = "count",
            description = "Mean of weighted terms: Σ w·ℓ over the number of terms (count) or over Σ w (weight-sum)."
                    + " Default: ${DEFAULT-VALUE}.")
    String weightNormalization;

    @Option(names = "--empty", paramLabel = "include|zero|exclude", defaultValue = "include",
            description = "A term whose target is empty: computed as usual (include), loss 0 but counted (zero), or"
                    + " left out of the reduction (exclude). Default: ${DEFAULT-VALUE}.")
    String empty;

    @Option(names = "--ignore-index", paramLabel = "K",
            description = "Label value whose voxels are masked out of every term. Default: none.")
    Long ignoreIndex;

    @Option(names = "--reduction", paramLabel = "mean|sum|none", defaultValue = "mean",
            description = "How the terms make the loss: their mean, their sum, or every term (none; --grad then"
                    + " differentiates their sum). Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Option(names = "--threads", paramLabel = "K",
            description = "Worker threads (results do not depend on it). Default: all cores.")
    Integer threads;

    @Option(names = "--generalized", paramLabel = "square|simple|uniform",
            description = "Generalized Dice, one term per image, with class weights 1/G² (square), 1/G (simple) or 1"
                    + " (uniform). Default: off (per-class terms).")
    String generalized;

    @Option(names = "--ce-weight", paramLabel = "X", defaultValue = "0",
            description = "λ_ce: weight of the cross-entropy in λ_dice·Dice + λ_ce·CE. Default: ${DEFAULT-VALUE}"
                    + " (none).")
    double crossEntropyWeight;

    @Option(names = "--dice-weight", paramLabel = "X", defaultValue = "1",
            description = "λ_dice: weight of the Dice part. Default: ${DEFAULT-VALUE}.")
    double diceWeight;

    /** The builder these options describe, every value checked under its flag before the library sees it. */
    DiceLoss.Builder builder() {
        checkCombinations();
        checkValues();
        DiceLoss.Builder builder = activation.applyTo(DiceLoss.builder());
        applyScore(builder);
        applyTerms(builder);
        builder.threads(threads != null ? OptionChecks.atLeastOne("--threads", threads)
                : Runtime.getRuntime().availableProcessors());
        builder.lambdaDice(OptionChecks.nonNegative("--dice-weight", diceWeight));
        builder.lambdaCrossEntropy(OptionChecks.nonNegative("--ce-weight", crossEntropyWeight));
        if (generalized != null) {
            builder.generalized(GeneralizedWeight.valueOf(
                    OptionChecks.choice("--generalized", generalized, "square", "simple", "uniform")
                            .toUpperCase(Locale.ROOT)));
        }
        return builder;
    }

    /** --weights needs one value per class of the logits ({@code logits} names them in the message). */
    void checkWeights(long classes, Path logits) {
        if (weights != null && weights.length != classes) {
            throw new IllegalArgumentException("--weights: expected C = " + classes + " values (the classes of "
                    + logits + "), got " + weights.length);
        }
    }

    /** An upstream gradient of 1 for every term (reduction none: --grad differentiates the terms' sum). */
    double[][] onesPerTerm(long images, long classes) {
        int rows = batch ? 1 : (int) images;
        int columns = generalized != null ? 1 : (int) classes - (excludeBackground ? 1 : 0);
        double[][] ones = new double[rows][columns];
        for (double[] row : ones) {
            Arrays.fill(row, 1.0);
        }
        return ones;
    }

    /** Refuses combinations in which one flag would be silently ignored. */
    private void checkCombinations() {
        OptionChecks.notTogether(spec, "--smooth", "--smooth-nr", "--smooth-dr");
        OptionChecks.once(spec, "--weights");
        if (!variant.trim().equalsIgnoreCase("tversky")) {
            for (String flag : new String[] {"--alpha", "--beta"}) {
                if (OptionChecks.given(spec, flag)) {
                    throw new IllegalArgumentException(flag + ": only used with --variant tversky, got --variant "
                            + variant);
                }
            }
        }
    }

    private void checkValues() {
        if (smooth != null) {
            OptionChecks.nonNegative("--smooth", smooth);
        }
        OptionChecks.nonNegative("--smooth-nr", smoothNumerator);
        OptionChecks.nonNegative("--smooth-dr", smoothDenominator);
        OptionChecks.nonNegative("--denominator-floor", denominatorFloor);
        OptionChecks.nonNegative("--alpha", alpha);
        OptionChecks.nonNegative("--beta", beta);
        OptionChecks.positive("--focal-gamma", focalGamma);
        if (reduction.trim().equalsIgnoreCase("none") && (crossEntropyWeight != 0 || diceWeight != 1)) {
            throw new IllegalArgumentException("--reduction: none gives the Dice terms alone; --dice-weight "
                    + diceWeight + " and --ce-weight " + crossEntropyWeight + " need --reduction mean or sum"
                    + " (expected --dice-weight 1 and --ce-weight 0 with none)");
        }
        for (double weight : weights == null ? new double[0] : weights) {
            OptionChecks.nonNegative("--weights", weight);
        }
    }

    /** What a term's score is: the variant, its exponent and logarithm, its sums and smoothing. */
    private void applyScore(DiceLoss.Builder builder) {
        switch (OptionChecks.choice("--variant", variant, "dice", "jaccard", "tversky")) {
            case "jaccard" -> builder.variant(Variant.JACCARD);
            case "tversky" -> builder.tversky(alpha, beta);
            default -> builder.variant(Variant.DICE);
        }
        if (focalGamma != 1) {
            builder.focalGamma(focalGamma);
        }
        builder.logLoss(logLoss).squared(squared).softLabel(softLabel);
        if (smooth != null) {
            builder.smooth(smooth);
        } else {
            builder.smoothNumerator(smoothNumerator).smoothDenominator(smoothDenominator);
        }
        builder.denominatorFloor(denominatorFloor);
    }

    /** Which terms there are and how they are weighted and reduced. */
    private void applyTerms(DiceLoss.Builder builder) {
        builder.batch(batch).includeBackground(!excludeBackground);
        if (weights != null) {
            builder.classWeights(weights);
        }
        builder.weightNormalization(OptionChecks.choice("--weight-normalization", weightNormalization, "count",
                "weight-sum").equals("count") ? WeightNormalization.COUNT : WeightNormalization.WEIGHT_SUM);
        builder.emptyPolicy(EmptyPolicy.valueOf(OptionChecks.choice("--empty", empty, "include", "zero", "exclude")
                .toUpperCase(Locale.ROOT)));
        builder.reduction(Reduction.valueOf(OptionChecks.choice("--reduction", reduction, "mean", "sum", "none")
                .toUpperCase(Locale.ROOT)));
        if (ignoreIndex != null) {
            builder.ignoreIndex(ignoreIndex);
        }
    }
}
