package org.dice4j;

import java.util.Objects;
import java.util.OptionalLong;
import org.dice4j.internal.GradientCoefficients;
import org.dice4j.internal.LossArithmetic;
import org.dice4j.internal.LossInputs;
import org.dice4j.internal.LossOptions;
import org.dice4j.internal.LossPasses;
import org.dice4j.internal.LossScratch;
import org.dice4j.internal.LossValue;
import org.dice4j.internal.Parallelism;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.internal.StatisticsTable;

/**
 * A soft Dice-family loss: Dice, Jaccard or Tversky scores per (image, class), with the options of
 * {@code docs/design.md}. Immutable and thread-safe; build one with {@link #builder()} or a named factory
 * and call {@link #forward} as often as needed. One pass over the logits and the target computes the
 * statistics (activation fused, no temporaries); the loss is a small function of them.
 *
 * <p>Limits: at most {@value #MAX_TERMS} terms N × C and {@value #MAX_CLASSES} classes per call (and per
 * {@link #accumulator}), whatever the spatial size, an empty one included. The statistics, terms and coefficients
 * take about 100 bytes a term and the vector kernels' per-task sums about 770 more, and their workspace about 6.5 KB
 * a class on each thread: a problem at the limits holds about 100 MB, well under a small machine's default heap.
 */
public final class DiceLoss {
    /** Smallest score {@code −ln} is applied to with {@link Builder#logLoss}. */
    static final double LOG_LOSS_MIN_SCORE = LossArithmetic.LOG_LOSS_MIN_SCORE;
    /** Most terms N × C of one call (see the class comment). */
    static final int MAX_TERMS = LossInputs.MAX_TERMS;
    /** Most classes of one call (see the class comment). */
    static final int MAX_CLASSES = LossInputs.MAX_CLASSES;

    private final LossOptions options;
    private final Parallelism parallelism;
    private final LossArithmetic arithmetic;
    private final GradientCoefficients gradientCoefficients;
    private final LossPasses passes;

    private DiceLoss(LossOptions options) {
        this.options = options;
        this.parallelism = options.parallelism();
        this.arithmetic = new LossArithmetic(options);
        this.gradientCoefficients = new GradientCoefficients(options);
        this.passes = new LossPasses(options.referenceKernels());
    }

    /** A builder with every default of the specification. */
    public static Builder builder() {
        return new Builder(LossOptions.DEFAULTS);
    }

    /**
     * The seed's binary Dice loss: sigmoid, one channel, smoothing 1 in numerator and denominator, mean over
     * images of {@code 1 − dice_n}.
     */
    public static DiceLoss binary() {
        return builder().activation(Activation.SIGMOID).smooth(1.0).build();
    }

    /**
     * The seed's multi-class Dice loss: softmax over channels, smoothing 1, mean over images and classes (equal to
     * the mean over classes of per-class batch means).
     */
    public static DiceLoss multiClass() {
        return builder().activation(Activation.SOFTMAX).smooth(1.0).build();
    }

    /** A builder holding this loss's options. */
    public Builder toBuilder() {
        return new Builder(options);
    }

    /**
     * Computes the loss of {@code logits} (float32, {@code (N, C, spatial…)}) against {@code target}: dense
     * float32 of the logits' shape, or an integer label map {@code (N, spatial…)} or {@code (N, 1, spatial…)}.
     *
     * @throws IllegalArgumentException for a shape, type or option that does not fit, a closed segment, or a label
     *     that is neither a class nor the ignore index (naming its image, voxel and value)
     * @throws java.util.concurrent.CancellationException when the calling thread is interrupted: the pass stops
     *     between two tasks (a fraction of a millisecond) and the interrupt status stays set
     * @throws java.util.concurrent.RejectedExecutionException when the {@link Builder#executor executor} rejects a
     *     worker thread
     * @throws IllegalStateException naming the tensor ("logits: its arena was closed during the call …") when
     *     another thread closes a tensor's shared arena during the call; the interrupt status is then the one the
     *     call began with (HotSpot sets it with the error that stops the access), unless an interrupt was noticed
     *     before the failure (the exception's cause is then a {@code CancellationException})
     */
    public LossResult forward(Tensor logits, Tensor target) {
        return evaluate(statistics(logits, target));
    }

    /**
     * The statistics of one tile of a larger input: a block of voxels of some images (sliding-window inference,
     * patches too large to hold at once) or some images of a batch (micro-batches). Sums over voxels, so the
     * statistics of tiles that cover an input without overlap add up to the input's ({@link StatisticsAccumulator});
     * {@link #loss(Statistics)} then finalizes them and {@link #tileGradient} gives each tile its gradient.
     *
     * @throws IllegalArgumentException as {@link #forward}
     */
    public Statistics statistics(Tensor logits, Tensor target) {
        StatisticsPass pass = LossInputs.statisticsPass(options, parallelism, logits, target);
        return new Statistics(passes.statistics(pass, new double[pass.outputLength()], logits, target), kind(pass));
    }

    /**
     * The reduced loss alone, as {@link #forward}{@code (logits, target).loss()}, without allocating: the
     * statistics go to a per-thread buffer. For training loops that only need the number.
     *
     * @throws IllegalStateException with {@link Reduction#NONE}, which has no scalar loss
     * @throws IllegalArgumentException as {@link #forward}
     */
    public double lossValue(Tensor logits, Tensor target) {
        if (options.reduction() == Reduction.NONE) {
            throw new IllegalStateException("reduction NONE has no scalar loss: use forward(…).terms()");
        }
        StatisticsPass pass = LossInputs.statisticsPass(options, parallelism, logits, target);
        LossScratch scratch = LossScratch.perThread();
        StatisticsTable table = passes.statistics(pass, scratch.values(pass.outputLength()), logits, target);
        return arithmetic.evaluate(table, null, scratch).loss();
    }

    /** An accumulator of the statistics of {@code images × classes} terms, filled tile by tile. */
    public StatisticsAccumulator accumulator(int images, int classes) {
        return new StatisticsAccumulator(this, images, classes);
    }

    /**
     * The loss of accumulated (or whole) statistics: the same as {@link #forward} on the input they were summed from.
     *
     * @throws IllegalArgumentException for statistics this loss does not compute (another activation, squared
     *     sums, soft overlap or cross-entropy setting), or whose class count does not fit its options
     */
    public LossResult loss(Statistics statistics) {
        checkKind(Objects.requireNonNull(statistics, "statistics"));
        return evaluate(statistics);
    }

    /** The loss as a function of the per-image statistics. */
    LossResult evaluate(Statistics statistics) {
        double[][] terms = terms(statistics.images(), statistics.classes());
        return result(arithmetic.evaluate(statistics.table(), terms, new LossScratch()), terms, statistics);
    }

    private double[][] terms(int images, int classes) {
        return new double[options.rows(images)][options.termColumns(classes)];
    }

    private LossResult result(LossValue value, double[][] terms, Statistics statistics) {
        return new LossResult(value.loss(), options.reduction(), terms, options.firstClass(), value.countedTerms(),
                value.diceLoss(), value.crossEntropy(), statistics);
    }

    /** The kind of statistics a pass produces (see Statistics.Kind). */
    private static Statistics.Kind kind(StatisticsPass pass) {
        return new Statistics.Kind(pass.activation(), pass.squared(), pass.softIntersection(), pass.crossEntropy());
    }

    /** The kind of statistics this loss computes for C classes. */
    Statistics.Kind kindFor(int classes) {
        return new Statistics.Kind(activationFor(classes), options.squared(), options.softLabel(),
                options.crossEntropy());
    }

    private void checkKind(Statistics statistics) {
        Statistics.Kind expected = kindFor(statistics.classes());
        if (!expected.equals(statistics.kind())) {
            throw new IllegalArgumentException("statistics: expected sums of kind [" + expected + "] for this loss, got ["
                    + statistics.kind() + "]");
        }
        LossInputs.checkClassWeights(options, statistics.classes());
        if (!options.includeBackground() && statistics.classes() == 1) {
            throw new IllegalArgumentException("includeBackground: false needs C > 1 (class 0 is the only class)");
        }
    }

    /**
     * {@link #forward}, and ∂L/∂logits written into {@code gradient} (float32, the logits' shape, writable, sharing no
     * memory with the inputs). Every element is written; ignored voxels get 0 in every channel.
     *
     * @throws IllegalArgumentException as {@link #forward}, for a gradient tensor that does not fit, or with
     *     {@link Reduction#NONE} (which needs an upstream gradient per term); nothing is written then
     * @throws java.util.concurrent.CancellationException as {@link #forward}; the gradient is then filled with NaN,
     *     never left partly written (also after a rejected worker or a failing one)
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient) {
        return forwardBackward(logits, target, gradient, 1.0);
    }

    /**
     * As {@link #forwardBackward(Tensor, Tensor, Tensor)}, the gradient scaled by {@code upstream} (∂ of an outer
     * objective with respect to this loss), for {@link Reduction#MEAN} and {@link Reduction#SUM}.
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double upstream) {
        if (options.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("upstream: reduction NONE has one term per (image, class) and needs"
                    + " an upstream gradient per term: use forwardBackward(logits, target, gradient, double[][])");
        }
        LossInputs.checkUpstream(upstream, "upstream");
        return forwardBackward(logits, target, gradient, upstream, null);
    }

    /**
     * For {@link Reduction#NONE}: the gradient of Σ upstream[row][column]·term[row][column] over the counted terms,
     * {@code upstream} shaped as {@link LossResult#terms()} (rows: images, or one with batch statistics; columns:
     * classes, without class 0 when the background is excluded). Entries of excluded terms are not used.
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double[][] upstream) {
        if (options.reduction() != Reduction.NONE) {
            throw new IllegalArgumentException("upstream: a per-term upstream gradient needs reduction NONE, got "
                    + options.reduction() + "; use forwardBackward(logits, target, gradient, double)");
        }
        Objects.requireNonNull(upstream, "upstream");
        return forwardBackward(logits, target, gradient, 1.0, upstream);
    }

    private LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double upstream,
            double[][] upstreamTerms) {
        StatisticsPass pass = gradientPass(logits, target, gradient);
        int images = (int) pass.images();
        int classes = pass.classes();
        if (upstreamTerms != null) {
            LossInputs.checkUpstreamTerms(upstreamTerms, options.rows(images), options.termColumns(classes));
        }
        double[] values = new double[pass.outputLength()];
        double[] coefficients = new double[GradientCoefficients.length(images, classes)];
        double[][] terms = terms(images, classes);
        LossScratch scratch = new LossScratch();
        LossValue value = passes.withGradient(pass, values, coefficients, logits, target, gradient, table -> {
            LossValue loss = arithmetic.evaluate(table, terms, scratch);
            gradientCoefficients.fill(table, loss, upstream, upstreamTerms, coefficients, scratch);
            return loss;
        });
        return result(value, terms, new Statistics(new StatisticsTable(images, classes, values), kind(pass)));
    }

    /**
     * The reduced loss, and its gradient written into {@code gradient}, as
     * {@link #forwardBackward(Tensor, Tensor, Tensor)} but without allocating a result: for training loops.
     *
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor)}
     */
    public double lossValueAndGradient(Tensor logits, Tensor target, Tensor gradient) {
        if (options.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("upstream: reduction NONE has no scalar loss and needs an upstream"
                    + " gradient per term: use forwardBackward(logits, target, gradient, double[][])");
        }
        StatisticsPass pass = gradientPass(logits, target, gradient);
        LossScratch scratch = LossScratch.perThread();
        double[] values = scratch.values(pass.outputLength());
        double[] coefficients = scratch.coefficients(GradientCoefficients.length((int) pass.images(), pass.classes()));
        return passes.withGradient(pass, values, coefficients, logits, target, gradient, table -> {
            LossValue loss = arithmetic.evaluate(table, null, scratch);
            gradientCoefficients.fill(table, loss, 1.0, null, coefficients, scratch);
            return loss;
        }).loss();
    }

    /**
     * ∂L/∂logits of one tile, where L is the loss of {@code whole} (the accumulated statistics of every tile) and the
     * tile holds images {@code firstImage … firstImage + N_tile − 1} of it: written into {@code gradient} as
     * {@link #forwardBackward(Tensor, Tensor, Tensor, double)} would for the whole input, restricted to the tile.
     * The tile is read twice (its labels are checked before anything is written, and the activation is computed in
     * the statistics pass that stores it, as in forwardBackward).
     *
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor, double)}, for statistics
     *     of another kind or class count, or a tile outside {@code whole}'s images; nothing is written then
     */
    public void tileGradient(Statistics whole, int firstImage, Tensor logits, Tensor target, Tensor gradient,
            double upstream) {
        if (options.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("reduction: NONE has no scalar loss; a tile's gradient needs MEAN or SUM");
        }
        LossInputs.checkUpstream(upstream, "upstream");
        checkKind(Objects.requireNonNull(whole, "whole"));
        StatisticsPass pass = gradientPass(logits, target, gradient);
        LossInputs.checkTile(pass, whole.table(), firstImage);
        double[] coefficients = gradientCoefficients.ofTile(whole.table(), firstImage, (int) pass.images(), upstream);
        passes.withGradient(pass, new double[pass.outputLength()], coefficients, logits, target, gradient,
                table -> null);
    }

    /** The statistics pass of a call that writes {@code gradient}, every input checked. */
    private StatisticsPass gradientPass(Tensor logits, Tensor target, Tensor gradient) {
        StatisticsPass pass = LossInputs.forGradient(LossInputs.statisticsPass(options, parallelism, logits, target),
                gradient);
        LossInputs.checkGradient(gradient, logits, target);
        return pass;
    }

    /** The activation this loss applies to logits with {@code classes} channels. */
    public Activation activationFor(long classes) {
        return options.activationFor(classes);
    }

    /** "vector" or "scalar": the kernels {@link #forward} runs on. */
    public String kernelName() {
        return passes.kernelName();
    }

    @Override
    public String toString() {
        return "DiceLoss[" + options.summary() + "]";
    }

    /** λ_dice: the weight of the Dice part (default 1). */
    public double lambdaDice() {
        return options.lambdaDice();
    }

    /** λ_ce: the weight of the cross-entropy part (default 0: none). */
    public double lambdaCrossEntropy() {
        return options.lambdaCrossEntropy();
    }

    public Activation activation() {
        return options.activation();
    }

    public Variant variant() {
        return options.variant();
    }

    public Reduction reduction() {
        return options.reduction();
    }

    public EmptyPolicy emptyPolicy() {
        return options.emptyPolicy();
    }

    public boolean softLabel() {
        return options.softLabel();
    }

    public boolean squared() {
        return options.squared();
    }

    public boolean batch() {
        return options.batch();
    }

    public boolean includeBackground() {
        return options.includeBackground();
    }

    public OptionalLong ignoreIndex() {
        return options.ignoreIndex();
    }

    /**
     * Options of a {@link DiceLoss}. Every setter checks its argument at once ({@link IllegalArgumentException}
     * naming it); {@link #build()} checks the combination.
     */
    public static final class Builder {
        private Activation activation;
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
        private boolean includeBackground;
        private double[] classWeights;
        private WeightNormalization weightNormalization;
        private EmptyPolicy emptyPolicy;
        private Reduction reduction;
        private OptionalLong ignoreIndex;
        private boolean referenceKernels;
        private GeneralizedWeight generalized;
        private double lambdaDice;
        private double lambdaCrossEntropy;
        private int threads;
        private java.util.concurrent.Executor executor;

        /** A builder starting from {@code options} (LossOptions.DEFAULTS: every default of the specification). */
        private Builder(LossOptions options) {
            activation = options.activation();
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
            includeBackground = options.includeBackground();
            classWeights = options.classWeights();
            weightNormalization = options.weightNormalization();
            emptyPolicy = options.emptyPolicy();
            reduction = options.reduction();
            ignoreIndex = options.ignoreIndex();
            referenceKernels = options.referenceKernels();
            generalized = options.generalized();
            lambdaDice = options.lambdaDice();
            lambdaCrossEntropy = options.lambdaCrossEntropy();
            threads = options.threads();
            executor = options.executor();
        }

        /**
         * Threads a call may use (default 1: the calling thread only). Results have the same bits for any count: the
         * work is cut by the shape, not by the threads, and partial sums are combined in a fixed order.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads: expected a value ≥ 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Where the extra threads come from (default: the common fork-join pool); {@code null} for the default. An
         * executor that rejects a worker (shut down, saturated) stops the call with a
         * {@link java.util.concurrent.RejectedExecutionException}; it is only asked for passes large enough to split.
         */
        public Builder executor(java.util.concurrent.Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Generalized Dice (one term per image, or per batch) with these class weights instead of per-class terms;
         * {@code null} (default) for per-class terms.
         */
        public Builder generalized(GeneralizedWeight weights) {
            this.generalized = weights;
            return this;
        }

        /** λ_dice of {@code L = λ_dice·L_dice + λ_ce·L_ce} (default 1): the weight of the Dice part. */
        public Builder lambdaDice(double lambda) {
            this.lambdaDice = nonNegative("lambdaDice", lambda);
            return this;
        }

        /**
         * λ_ce of {@code L = λ_dice·L_dice + λ_ce·L_ce} (default 0: no cross-entropy). With λ_ce &gt; 0 the statistics
         * pass also sums the cross-entropy (softmax: the mean over unmasked voxels of −Σ_c g·ln p, from the log-sum-exp;
         * sigmoid: binary cross-entropy with logits, the mean over unmasked elements), and the gradient pass adds its
         * gradient: no extra pass. Needs the SOFTMAX or SIGMOID activation and reduction MEAN or SUM.
         */
        public Builder lambdaCrossEntropy(double lambda) {
            this.lambdaCrossEntropy = nonNegative("lambdaCrossEntropy", lambda);
            return this;
        }

        /** Activation fused into the pass; {@code null} (default) means SOFTMAX when C &gt; 1, else SIGMOID. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder variant(Variant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /** Tversky score with weights α (false positives) and β (false negatives). */
        public Builder tversky(double alpha, double beta) {
            this.alpha = nonNegative("alpha", alpha);
            this.beta = nonNegative("beta", beta);
            this.variant = Variant.TVERSKY;
            return this;
        }

        /** Focal exponent γ &gt; 0: the term is {@code (1 − S)^γ}. */
        public Builder focalGamma(double gamma) {
            if (!(gamma > 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("focalGamma: expected a finite value > 0, got " + gamma);
            }
            this.focalGamma = gamma;
            return this;
        }

        /** The term is {@code −ln(max(S, 1e-7))} instead of {@code 1 − S}. */
        public Builder logLoss(boolean logLoss) {
            this.logLoss = logLoss;
            return this;
        }

        /** Sums of squares {@code Σp², Σg²} in the denominator (q = 2). */
        public Builder squared(boolean squared) {
            this.squared = squared;
            return this;
        }

        /** Replaces I by {@code (P + G − A)/2}, so that p = g is the minimum also for soft targets. */
        public Builder softLabel(boolean softLabel) {
            this.softLabel = softLabel;
            return this;
        }

        /** Sets both smoothing terms. */
        public Builder smooth(double smooth) {
            return smoothNumerator(smooth).smoothDenominator(smooth);
        }

        public Builder smoothNumerator(double smooth) {
            this.smoothNumerator = nonNegative("smoothNumerator", smooth);
            return this;
        }

        public Builder smoothDenominator(double smooth) {
            this.smoothDenominator = nonNegative("smoothDenominator", smooth);
            return this;
        }

        /** Lower bound of every score's denominator (0: off). */
        public Builder denominatorFloor(double floor) {
            this.denominatorFloor = nonNegative("denominatorFloor", floor);
            return this;
        }

        /** Sum the statistics over the batch before scoring: one term per class. */
        public Builder batch(boolean batch) {
            this.batch = batch;
            return this;
        }

        /** Whether class 0 gets a term (its logits always take part in the softmax). */
        public Builder includeBackground(boolean includeBackground) {
            this.includeBackground = includeBackground;
            return this;
        }

        /** Class weights {@code w[c] ≥ 0}, length C, indexed by class; {@code null} for none. */
        public Builder classWeights(double... weights) {
            if (weights != null) {
                for (int c = 0; c < weights.length; c++) {
                    if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                        throw new IllegalArgumentException("classWeights: expected finite values ≥ 0, got "
                                + weights[c] + " for class " + c);
                    }
                }
            }
            this.classWeights = weights == null ? null : weights.clone();
            return this;
        }

        public Builder weightNormalization(WeightNormalization normalization) {
            this.weightNormalization = Objects.requireNonNull(normalization, "weightNormalization");
            return this;
        }

        public Builder emptyPolicy(EmptyPolicy policy) {
            this.emptyPolicy = Objects.requireNonNull(policy, "emptyPolicy");
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /** Voxels whose label equals {@code ignoreIndex} count in no sum (label-map targets only). */
        public Builder ignoreIndex(long ignoreIndex) {
            this.ignoreIndex = OptionalLong.of(ignoreIndex);
            return this;
        }

        /** No ignore index (default). */
        public Builder noIgnoreIndex() {
            this.ignoreIndex = OptionalLong.empty();
            return this;
        }

        /** Run on the scalar double-precision reference kernels instead of the fastest available ones. */
        public Builder referenceKernels(boolean referenceKernels) {
            this.referenceKernels = referenceKernels;
            return this;
        }

        /** The loss of these options; throws IllegalArgumentException for a combination that does not fit. */
        public DiceLoss build() {
            return new DiceLoss(new LossOptions(activation, variant, alpha, beta, focalGamma, logLoss, squared,
                    softLabel, smoothNumerator, smoothDenominator, denominatorFloor, batch, includeBackground,
                    classWeights, weightNormalization, emptyPolicy, reduction, ignoreIndex, referenceKernels,
                    generalized, lambdaDice, lambdaCrossEntropy, threads, executor));
        }

        private static double nonNegative(String name, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + ": expected a finite value ≥ 0, got " + value);
            }
            return value;
        }
    }
}
