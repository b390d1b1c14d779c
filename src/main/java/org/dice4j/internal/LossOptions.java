package org.dice4j.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.dice4j.Activation;
import org.dice4j.EmptyPolicy;
import org.dice4j.GeneralizedWeight;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Reduction;
import org.dice4j.Variant;
import org.dice4j.WeightNormalization;

/**
 * Every option of a {@code DiceLoss}, once: the value its builder builds and {@code toBuilder} starts from. A value
 * is always a valid combination (the constructor checks it, naming the option). {@code classWeights} is copied in
 * and must not be changed by its readers. Not an API: internal to dice4j.
 */
public record LossOptions(
        Activation activation,
        Variant variant,
        double alpha,
        double beta,
        double focalGamma,
        boolean logLoss,
        boolean squared,
        boolean softLabel,
        double smoothNumerator,
        double smoothDenominator,
        double denominatorFloor,
        boolean batch,
        boolean includeBackground,
        double[] classWeights,
        WeightNormalization weightNormalization,
        EmptyPolicy emptyPolicy,
        Reduction reduction,
        OptionalLong ignoreIndex,
        boolean referenceKernels,
        GeneralizedWeight generalized,
        double lambdaDice,
        double lambdaCrossEntropy,
        int threads,
        Executor executor) implements SharedOptions {

    /** The builder's defaults (MONAI's smoothing 1e-5). */
    public static final LossOptions DEFAULTS = new LossOptions(null, Variant.DICE, 0.5, 0.5, 1.0, false, false, false,
            1e-5, 1e-5, 0, false, true, null, WeightNormalization.COUNT, EmptyPolicy.INCLUDE, Reduction.MEAN,
            OptionalLong.empty(), false, null, 1.0, 0, 1, null);

    public LossOptions {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(weightNormalization, "weightNormalization");
        Objects.requireNonNull(emptyPolicy, "emptyPolicy");
        Objects.requireNonNull(reduction, "reduction");
        Objects.requireNonNull(ignoreIndex, "ignoreIndex");
        classWeights = classWeights == null ? null : classWeights.clone();
        // In this order: the first conflict found is the one reported.
        if (squared && variant == Variant.TVERSKY) {
            throw new InvalidArgumentException("squared", "the Tversky score is defined for q = 1 only");
        }
        if (squared && softLabel) {
            throw new InvalidArgumentException("softLabel", "the soft-label formulation needs q = 1, not squared");
        }
        if (generalized != null) {
            checkGeneralized(variant, focalGamma, logLoss, squared, classWeights, emptyPolicy);
        }
        checkMix(activation, reduction, lambdaDice, lambdaCrossEntropy);
        if (logLoss && focalGamma != 1.0) {
            throw new InvalidArgumentException("focalGamma", focalGamma
                    + " has no effect with logLoss; use one or the other");
        }
    }

    private static void checkGeneralized(Variant variant, double focalGamma, boolean logLoss, boolean squared,
            double[] classWeights, EmptyPolicy emptyPolicy) {
        String conflict = variant != Variant.DICE ? "variant " + variant
                : focalGamma != 1.0 ? "focalGamma " + focalGamma
                : logLoss ? "logLoss"
                : squared ? "squared (its weights use G = Σ g)"
                : classWeights != null ? "classWeights (its weights come from the target volumes)"
                : emptyPolicy != EmptyPolicy.INCLUDE ? "emptyPolicy " + emptyPolicy
                : null;
        if (conflict != null) {
            throw new InvalidArgumentException("generalized", "generalized Dice (1 − weighted Dice score) does"
                    + " not combine with " + conflict);
        }
    }

    private static void checkMix(Activation activation, Reduction reduction, double lambdaDice,
            double lambdaCrossEntropy) {
        if (lambdaCrossEntropy > 0 && activation == Activation.NONE) {
            throw new InvalidArgumentException("lambdaCrossEntropy", lambdaCrossEntropy + " needs logits: the"
                    + " cross-entropy is defined for the SOFTMAX and SIGMOID activations, not NONE");
        }
        if (reduction == Reduction.NONE && (lambdaCrossEntropy > 0 || lambdaDice != 1.0)) {
            throw new InvalidArgumentException("reduction", "NONE returns the Dice terms alone; lambdaDice "
                    + lambdaDice + " and lambdaCrossEntropy " + lambdaCrossEntropy
                    + " need reduction MEAN or SUM (expected lambdaDice 1 and lambdaCrossEntropy 0 with NONE)");
        }
    }

    /** The activation applied to logits with {@code classes} channels: the option, else SOFTMAX when C > 1. */
    public Activation activationFor(long classes) {
        if (activation != null) {
            return activation;
        }
        return classes > 1 ? Activation.SOFTMAX : Activation.SIGMOID;
    }

    /** Whether the statistics pass sums the cross-entropy (λ_ce > 0). */
    public boolean crossEntropy() {
        return lambdaCrossEntropy > 0;
    }

    /** Rows of the terms matrix: one per image, or one with batch statistics. */
    public int rows(int images) {
        return batch ? 1 : images;
    }

    /** The class of the terms' column 0: 0, or 1 without the background. */
    public int firstClass() {
        return includeBackground ? 0 : 1;
    }

    /** Columns of the terms matrix: one per class (without class 0 when excluded), or 1 for generalized Dice. */
    public int termColumns(int classes) {
        return generalized != null ? 1 : classes - firstClass();
    }

    /** The first image of a term's row; with {@link #lastImage}, the images its statistics are summed over. */
    public int firstImage(int row) {
        return batch ? 0 : row;
    }

    /** One past the last image of a term's row. */
    public int lastImage(int row, int images) {
        return batch ? images : row + 1;
    }

    /** The weight of class c's terms (1 without class weights). */
    public double weight(int c) {
        return classWeights == null ? 1.0 : classWeights[c];
    }

    /** Whether a term with target sum G enters the reduction (EXCLUDE leaves empty ones out). */
    public boolean counts(double targetSum) {
        return targetSum != 0 || emptyPolicy != EmptyPolicy.EXCLUDE;
    }

    /** Whether a counted term is 0 by the empty policy rather than by its score (ZERO on an empty target). */
    public boolean zeroTerm(double targetSum) {
        return targetSum == 0 && emptyPolicy == EmptyPolicy.ZERO;
    }

    /** The threads and executor of a call (results do not depend on them). */
    public Parallelism parallelism() {
        return Parallelism.of(threads, executor);
    }

    /**
     * Every option under its builder method's name, for {@code DiceLoss.toString}: a builder given these values
     * builds the same loss (OptionText).
     */
    public String describe() {
        return new OptionText("DiceLoss").add("activation", Optional.ofNullable(activation)).add("variant", variant)
                .add("alpha", alpha).add("beta", beta).add("focalGamma", focalGamma).add("logLoss", logLoss)
                .add("squared", squared).add("softLabel", softLabel).add("smoothNumerator", smoothNumerator)
                .add("smoothDenominator", smoothDenominator).add("denominatorFloor", denominatorFloor)
                .add("batch", batch).add("includeBackground", includeBackground).add("classWeights", classWeights)
                .add("weightNormalization", weightNormalization).add("emptyPolicy", emptyPolicy)
                .add("reduction", reduction).add("ignoreIndex", ignoreIndex)
                .add("generalized", Optional.ofNullable(generalized)).add("lambdaDice", lambdaDice)
                .add("lambdaCrossEntropy", lambdaCrossEntropy).add("threads", threads)
                .add("executor", Optional.ofNullable(executor)).add("referenceKernels", referenceKernels).toString();
    }
}
