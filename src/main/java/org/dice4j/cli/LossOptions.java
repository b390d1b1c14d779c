package org.dice4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    @Mixin
    ClassSelection selection;

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

    @Option(names = "--log-loss", description = "Each term is −ln S instead of 1 − S (not with --focal-gamma)."
            + " Default: off.")
    boolean logLoss;

    @Option(names = "--squared", description = "Σp² and Σg² in the denominator instead of Σp and Σg (not with"
            + " --variant tversky). Default: off.")
    boolean squared;

    @Option(names = "--soft-label",
            description = "Soft-label formulation (its minimum is at p = g also for soft targets; not with"
                    + " --squared). Default: off.")
    boolean softLabel;

    @Option(names = "--smooth", paramLabel = "X",
            description = "Sets both --smooth-nr and --smooth-dr to this value (not with either). Default: unset.")
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
            description = "Statistics summed over the batch: one term per class instead of one per (image, class)"
                    + " (metric --batch: one value per class). Default: off.")
    boolean batch;

    @Option(names = "--weights", split = ",", paramLabel = "w0,w1,…",
            description = "Class weights w_c, C values. Default: all 1.")
    double[] weights;

    @Option(names = "--weight-normalization", paramLabel = "count|weight-sum", defaultValue = "count",
            description = "Mean of weighted terms: Σ w·ℓ over the number of terms (count) or over Σ w (weight-sum);"
                    + " with --weights and --reduction mean. Default: ${DEFAULT-VALUE}.")
    String weightNormalization;

    @Option(names = "--empty", paramLabel = "include|zero|exclude", defaultValue = "include",
            description = "A term whose target is empty: computed as usual (include), loss 0 but counted (zero), or"
                    + " left out of the reduction (exclude). Default: ${DEFAULT-VALUE}.")
    String empty;

    @Option(names = "--reduction", paramLabel = "mean|sum|none", defaultValue = "mean",
            description = "How the terms make the loss: their mean, their sum, or every term (none; --grad then"
                    + " differentiates their sum). Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Option(names = "--threads", paramLabel = "K",
            description = "Worker threads (results do not depend on it). Default: all cores.")
    Integer threads;

    @Option(names = "--generalized", paramLabel = "square|simple|uniform",
            description = "Generalized Dice, one term per image, with class weights 1/G² (square), 1/G (simple) or 1"
                    + " (uniform); not with --variant, --focal-gamma, --log-loss, --squared, --weights, --empty."
                    + " Default: off (per-class terms).")
    String generalized;

    @Option(names = "--ce-weight", paramLabel = "X", defaultValue = "0",
            description = "λ_ce: weight of the cross-entropy in λ_dice·Dice + λ_ce·CE. Default: ${DEFAULT-VALUE}"
                    + " (none).")
    double crossEntropyWeight;

    @Option(names = "--dice-weight", paramLabel = "X", defaultValue = "1",
            description = "λ_dice: weight of the Dice part. Default: ${DEFAULT-VALUE}.")
    double diceWeight;

    /** The loss these options describe; what the library still refuses is said under the flag's name. */
    DiceLoss build() {
        DiceLoss.Builder builder = builder();
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LibraryMessages.locate(e), e);
        }
    }

    /** The builder these options describe, every value checked under its flag before the library sees it. */
    private DiceLoss.Builder builder() {
        checkCombinations();
        checkGeneralized();
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

    /** --weights and --exclude-background against the logits' class count ({@code logits} names them). */
    void checkClasses(long classes, Path logits) {
        selection.checkClasses(classes, logits);
        if (weights != null && weights.length != classes) {
            throw new IllegalArgumentException("--weights: expected C = " + classes + " values (the classes of "
                    + logits + "), got " + weights.length);
        }
    }

    /** An upstream gradient of 1 for every term (reduction none: --grad differentiates the terms' sum). */
    double[][] onesPerTerm(long images, long classes) {
        int rows = batch ? 1 : (int) images;
        int columns = generalized != null ? 1 : (int) classes - (selection.excludeBackground ? 1 : 0);
        double[][] ones = new double[rows][columns];
        for (double[] row : ones) {
            Arrays.fill(row, 1.0);
        }
        return ones;
    }

    /** Refuses combinations in which one flag would be silently ignored. */
    private void checkCombinations() {
        OptionChecks.notTogether(spec, "--smooth sets both", "--smooth", "--smooth-nr", "--smooth-dr");
        OptionChecks.notTogether(spec, "each term is then −ln S, which has no exponent", "--log-loss", "--focal-gamma");
        OptionChecks.once(spec, "--weights");
        if (OptionChecks.given(spec, "--weight-normalization")) {
            if (weights == null) {
                throw new IllegalArgumentException("--weight-normalization: only used with --weights (with every"
                        + " weight 1 both normalizations give the same mean)");
            }
            if (!reduction.trim().equalsIgnoreCase("mean")) {
                throw new IllegalArgumentException("--weight-normalization: only used with --reduction mean, got"
                        + " --reduction " + reduction);
            }
        }
        if (!variant.trim().equalsIgnoreCase("tversky")) {
            for (String flag : new String[] {"--alpha", "--beta"}) {
                if (OptionChecks.given(spec, flag)) {
                    throw new IllegalArgumentException(flag + ": only used with --variant tversky, got --variant "
                            + variant);
                }
            }
        }
    }

    /** Generalized Dice weights the classes itself: the score's other options do not apply to it. */
    private void checkGeneralized() {
        if (generalized == null) {
            return;
        }
        List<String> conflicts = new ArrayList<>();
        if (!variant.trim().equalsIgnoreCase("dice")) {
            conflicts.add("--variant " + variant);
        }
        for (String flag : List.of("--focal-gamma", "--log-loss", "--squared", "--weights")) {
            if (OptionChecks.given(spec, flag)) {
                conflicts.add(flag);
            }
        }
        if (!empty.trim().equalsIgnoreCase("include")) {
            conflicts.add("--empty " + empty);
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("--generalized: cannot be combined with " + conflicts.get(0)
                    + " (generalized Dice is 1 − one Dice score per image, its classes weighted by their volumes)");
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
        builder.batch(batch).includeBackground(!selection.excludeBackground);
        if (weights != null) {
            builder.classWeights(weights);
        }
        builder.weightNormalization(OptionChecks.choice("--weight-normalization", weightNormalization, "count",
                "weight-sum").equals("count") ? WeightNormalization.COUNT : WeightNormalization.WEIGHT_SUM);
        builder.emptyPolicy(EmptyPolicy.valueOf(OptionChecks.choice("--empty", empty, "include", "zero", "exclude")
                .toUpperCase(Locale.ROOT)));
        builder.reduction(Reduction.valueOf(OptionChecks.choice("--reduction", reduction, "mean", "sum", "none")
                .toUpperCase(Locale.ROOT)));
        if (selection.ignoreIndex != null) {
            builder.ignoreIndex(selection.ignoreIndex);
        }
    }
}
