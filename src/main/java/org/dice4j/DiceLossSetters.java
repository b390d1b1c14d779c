package org.dice4j;

import org.dice4j.internal.BuilderChecks;
import org.dice4j.internal.LossOptions;

/**
 * The options and setters of {@link DiceLoss.Builder}, in a file of their own so that DiceLoss.java stays readable.
 * The options a metric has too are in {@link SharedSetters}. Package-private: users see these methods as
 * {@code DiceLoss.Builder}'s (the javadoc documents them there).
 */
abstract class DiceLossSetters extends SharedSetters<DiceLoss.Builder> {
    private Variant variant;
    private double alpha;
    private double beta;
    private double focalGamma;
    private boolean logLoss;
    private boolean squared;
    private boolean softLabel;
    private double smoothNumerator;
    private double smoothDenominator;
    private double denominatorFloor;
    private boolean batch;
    private double[] classWeights;
    private WeightNormalization weightNormalization;
    private EmptyPolicy emptyPolicy;
    private Reduction reduction;
    private GeneralizedWeight generalized;
    private double lambdaDice;
    private double lambdaCrossEntropy;

    /** Setters starting from {@code options} (LossOptions.DEFAULTS: every default). */
    DiceLossSetters(LossOptions options) {
        super(options);
        variant = options.variant();
        alpha = options.alpha();
        beta = options.beta();
        focalGamma = options.focalGamma();
        logLoss = options.logLoss();
        squared = options.squared();
        softLabel = options.softLabel();
        smoothNumerator = options.smoothNumerator();
        smoothDenominator = options.smoothDenominator();
        denominatorFloor = options.denominatorFloor();
        batch = options.batch();
        classWeights = options.classWeights();
        weightNormalization = options.weightNormalization();
        emptyPolicy = options.emptyPolicy();
        reduction = options.reduction();
        generalized = options.generalized();
        lambdaDice = options.lambdaDice();
        lambdaCrossEntropy = options.lambdaCrossEntropy();
    }

    /**
     * Generalized Dice (one term per image, or per batch) with these class weights instead of per-class terms.
     *
     * @param weights how the class weights come from the target volumes
     * @return this builder
     * @throws NullPointerException for null: {@link #clearGeneralized()} restores per-class terms
     */
    public DiceLoss.Builder generalized(GeneralizedWeight weights) {
        this.generalized = BuilderChecks.present("generalized", weights);
        return self();
    }

    /** {@return this builder, with per-class terms again instead of generalized Dice (the default)} */
    public DiceLoss.Builder clearGeneralized() {
        this.generalized = null;
        return self();
    }

    /**
     * λ_dice of {@code L = λ_dice·L_dice + λ_ce·L_ce} (default 1): the weight of the Dice part.
     *
     * @param lambda a finite value ≥ 0
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder lambdaDice(double lambda) {
        this.lambdaDice = BuilderChecks.nonNegative("lambdaDice", lambda);
        return self();
    }

    /**
     * λ_ce of {@code L = λ_dice·L_dice + λ_ce·L_ce} (default 0: no cross-entropy). With λ_ce &gt; 0 the statistics
     * pass also sums the cross-entropy (softmax: the mean over unmasked voxels of −Σ_c g·ln p, from the log-sum-exp;
     * sigmoid: binary cross-entropy with logits, the mean over unmasked elements), and the gradient pass adds its
     * gradient: no extra pass. Needs the SOFTMAX or SIGMOID activation and reduction MEAN or SUM.
     *
     * @param lambda a finite value ≥ 0
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder lambdaCrossEntropy(double lambda) {
        this.lambdaCrossEntropy = BuilderChecks.nonNegative("lambdaCrossEntropy", lambda);
        return self();
    }

    /**
     * The overlap score (default DICE). TVERSKY needs its weights: set it with {@link #tversky(double, double)}.
     *
     * @param variant DICE or JACCARD
     * @return this builder
     * @throws IllegalArgumentException for TVERSKY, whose α and β this method does not set
     * @throws NullPointerException for null
     */
    public DiceLoss.Builder variant(Variant variant) {
        if (BuilderChecks.required("variant", variant) == Variant.TVERSKY) {
            throw new IllegalArgumentException("variant: TVERSKY needs its weights α and β: use tversky(alpha,"
                    + " beta), got variant(TVERSKY)");
        }
        this.variant = variant;
        return self();
    }

    /**
     * The Tversky score, {@code (I + s_nr)/(I + α(P − I) + β(G − I) + s_dr)}; α = β = 0.5 is the Dice score.
     *
     * @param alpha α, the weight of false positives (finite, ≥ 0)
     * @param beta β, the weight of false negatives (finite, ≥ 0)
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite weight
     */
    public DiceLoss.Builder tversky(double alpha, double beta) {
        this.alpha = BuilderChecks.nonNegative("alpha", alpha);
        this.beta = BuilderChecks.nonNegative("beta", beta);
        this.variant = Variant.TVERSKY;
        return self();
    }

    /**
     * The focal exponent: the term is {@code (1 − S)^γ} (default 1: the plain term).
     *
     * @param gamma γ, finite and &gt; 0
     * @return this builder
     * @throws IllegalArgumentException for γ ≤ 0 or not finite
     */
    public DiceLoss.Builder focalGamma(double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("focalGamma: expected a finite value > 0, got " + gamma);
        }
        this.focalGamma = gamma;
        return self();
    }

    /**
     * The log term {@code −ln(max(S, 1e-7))} instead of {@code 1 − S} (default false).
     *
     * @param logLoss whether the term is logarithmic
     * @return this builder
     */
    public DiceLoss.Builder logLoss(boolean logLoss) {
        this.logLoss = logLoss;
        return self();
    }

    /**
     * Sums of squares {@code Σp², Σg²} in the denominator, q = 2 (default false).
     *
     * @param squared whether the denominator sums squares
     * @return this builder
     */
    public DiceLoss.Builder squared(boolean squared) {
        this.squared = squared;
        return self();
    }

    /**
     * Replaces I by {@code (P + G − A)/2}, so that p = g is the minimum also for soft targets (default false).
     *
     * @param softLabel whether I is the soft overlap
     * @return this builder
     */
    public DiceLoss.Builder softLabel(boolean softLabel) {
        this.softLabel = softLabel;
        return self();
    }

    /**
     * Sets both smoothing terms (default 1e-5 each; {@link DiceLoss#binary()} and {@link DiceLoss#multiClass()}
     * use 1).
     *
     * @param smooth a finite value ≥ 0, added to the numerator and to the denominator
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder smooth(double smooth) {
        return smoothNumerator(smooth).smoothDenominator(smooth);
    }

    /**
     * The smoothing of the score's numerator, {@code s_nr} (default 1e-5).
     *
     * @param smooth a finite value ≥ 0
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder smoothNumerator(double smooth) {
        this.smoothNumerator = BuilderChecks.nonNegative("smoothNumerator", smooth);
        return self();
    }

    /**
     * The smoothing of the score's denominator, {@code s_dr} (default 1e-5).
     *
     * @param smooth a finite value ≥ 0
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder smoothDenominator(double smooth) {
        this.smoothDenominator = BuilderChecks.nonNegative("smoothDenominator", smooth);
        return self();
    }

    /**
     * The lower bound of every score's denominator (default 0: off).
     *
     * @param floor a finite value ≥ 0
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public DiceLoss.Builder denominatorFloor(double floor) {
        this.denominatorFloor = BuilderChecks.nonNegative("denominatorFloor", floor);
        return self();
    }

    /**
     * Sums the statistics over the batch before scoring: one term per class (default false: per image).
     *
     * @param batch whether the terms use batch statistics
     * @return this builder
     */
    public DiceLoss.Builder batch(boolean batch) {
        this.batch = batch;
        return self();
    }

    /**
     * Class weights, multiplying each class's terms (default: none).
     *
     * @param weights {@code w[c]}, finite and ≥ 0, one per class (length C, checked at each call); copied
     * @return this builder
     * @throws IllegalArgumentException for a negative or non-finite weight
     * @throws NullPointerException for null: {@link #clearClassWeights()} restores the default
     */
    public DiceLoss.Builder classWeights(double... weights) {
        this.classWeights = BuilderChecks.classWeights(weights);
        return self();
    }

    /** {@return this builder, without class weights again (the default)} */
    public DiceLoss.Builder clearClassWeights() {
        this.classWeights = null;
        return self();
    }

    /**
     * The denominator of a weighted {@link Reduction#MEAN} (default COUNT).
     *
     * @param normalization COUNT or WEIGHT_SUM
     * @return this builder
     * @throws NullPointerException for null
     */
    public DiceLoss.Builder weightNormalization(WeightNormalization normalization) {
        this.weightNormalization = BuilderChecks.required("weightNormalization", normalization);
        return self();
    }

    /**
     * What a term with an empty target contributes (default INCLUDE).
     *
     * @param policy INCLUDE, ZERO or EXCLUDE
     * @return this builder
     * @throws NullPointerException for null
     */
    public DiceLoss.Builder emptyPolicy(EmptyPolicy policy) {
        this.emptyPolicy = BuilderChecks.required("emptyPolicy", policy);
        return self();
    }

    /**
     * How the terms are combined (default MEAN).
     *
     * @param reduction MEAN, SUM or NONE
     * @return this builder
     * @throws NullPointerException for null
     */
    public DiceLoss.Builder reduction(Reduction reduction) {
        this.reduction = BuilderChecks.required("reduction", reduction);
        return self();
    }

    /**
     * No ignore index.
     *
     * @return this builder
     * @deprecated every option is unset by its {@code clear…()} method: use
     *     {@link #clearIgnoreIndex() clearIgnoreIndex()}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public DiceLoss.Builder noIgnoreIndex() {
        return clearIgnoreIndex();
    }

    /** {@return the options set so far, every combination checked} */
    final LossOptions options() {
        return new LossOptions(activation, variant, alpha, beta, focalGamma, logLoss, squared, softLabel,
                smoothNumerator, smoothDenominator, denominatorFloor, batch, includeBackground, classWeights,
                weightNormalization, emptyPolicy, reduction, ignoreIndex, referenceKernels, generalized, lambdaDice,
                lambdaCrossEntropy, threads, executor);
    }
}
