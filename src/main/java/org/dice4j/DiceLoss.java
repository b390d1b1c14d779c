package org.dice4j;

import java.util.Objects;
import java.util.Optional;
import org.dice4j.internal.LossArithmetic;
import org.dice4j.internal.LossCalls;
import org.dice4j.internal.LossInputs;
import org.dice4j.internal.LossOptions;
import org.dice4j.internal.SharedOptions;
import org.dice4j.internal.StatisticsPass;

/**
 * A soft Dice-family loss: Dice, Jaccard or Tversky scores per (image, class), with the options of
 * {@code docs/semantics.md}. Immutable and thread-safe; build one with {@link #builder()} or a named factory
 * and call {@link #forward} as often as needed. One pass over the logits and the target computes the
 * statistics (activation fused, no temporaries); the loss is a small function of them.
 *
 * <p>Defaults: {@link #builder()} starts from MONAI's defaults (smoothing 1e-5 in numerator and denominator, as the
 * command line's {@code loss}), while {@link #binary()} and {@link #multiClass()} are the classic formulation with
 * smoothing 1. An option that may be unset (activation, generalized Dice, class weights, ignore index, executor) is
 * unset by default, is unset again by its builder's {@code clear…()} method, and reads as an empty {@link Optional}
 * from its accessor; {@link #toString()} lists every option under its builder method's name.
 *
 * <p>Exceptions: an argument that does not fit throws {@link IllegalArgumentException} naming it, the expected and
 * the actual value; a call the loss's {@link Reduction} does not support (a scalar loss with NONE, a per-term upstream
 * gradient without it) throws {@link IllegalStateException}.
 *
 * <p>Limits: at most {@value #MAX_TERMS} terms N × C and {@value #MAX_CLASSES} classes per call (and per
 * {@link #accumulator}), whatever the spatial size, an empty one included. The statistics, terms and coefficients
 * take about 100 bytes a term and the vector kernels' per-task sums about 770 more, and their workspace about 6.5 KB
 * a class on each thread: a problem at the limits holds about 100 MB, well under a small machine's default heap.
 */
public final class DiceLoss extends SharedAccessors {
    /** Smallest score {@code −ln} is applied to with {@link Builder#logLoss}. */
    static final double LOG_LOSS_MIN_SCORE = LossArithmetic.LOG_LOSS_MIN_SCORE;
    /** Most terms N × C of one call (see the class comment). */
    static final int MAX_TERMS = LossInputs.MAX_TERMS;
    /** Most classes of one call (see the class comment). */
    static final int MAX_CLASSES = LossInputs.MAX_CLASSES;

    private final LossOptions options;
    private final LossCalls calls;

    private DiceLoss(LossOptions options) {
        this.options = options;
        this.calls = new LossCalls(options);
    }

    /**
     * A builder with every default: SOFTMAX when C &gt; 1 else SIGMOID, Dice, smoothing 1e-5 in numerator and
     * denominator (MONAI's, and the command line's), per-image terms, background included, no weights, empty targets
     * scored as usual, the MEAN, one thread.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(LossOptions.DEFAULTS);
    }

    /**
     * The classic binary Dice loss: sigmoid, one channel, smoothing 1 in numerator and denominator (not the builder's
     * 1e-5), mean over images of {@code 1 − (2I + 1)/(P + G + 1)}.
     *
     * @return the loss, as {@code builder().activation(Activation.SIGMOID).smooth(1.0).build()}
     */
    public static DiceLoss binary() {
        return builder().activation(Activation.SIGMOID).smooth(1.0).build();
    }

    /**
     * The classic multi-class Dice loss: softmax over channels, smoothing 1 (not the builder's 1e-5), mean over
     * images and classes (equal to the mean over classes of per-class means over the images).
     *
     * @return the loss, as {@code builder().activation(Activation.SOFTMAX).smooth(1.0).build()}
     */
    public static DiceLoss multiClass() {
        return builder().activation(Activation.SOFTMAX).smooth(1.0).build();
    }

    /** {@return a new builder holding this loss's options} */
    public Builder toBuilder() {
        return new Builder(options);
    }

    /**
     * Computes the loss of {@code logits} ({@code (N, C, spatial…)}, or {@code (N, spatial…, C)} channels-last)
     * against {@code target}: dense float32 of the logits' shape and layout, or an integer label map
     * {@code (N, spatial…)} or {@code (N, 1, spatial…)}.
     *
     * @param logits the model's outputs: FLOAT32, FLOAT16 or BFLOAT16 (probabilities with {@link Activation#NONE})
     * @param target the ground truth: one-hot or soft float32 values, or class indices (UINT8, INT32, INT64)
     * @return the reduced loss, the per-term losses and the statistics they come from
     * @throws IllegalArgumentException for a shape, type or option that does not fit, a closed segment, or a label
     *     that is neither a class nor the ignore index (naming its image, voxel and value)
     * @throws NullPointerException for a null tensor
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
     * patches too large to hold at once) or some images of a batch (micro-batches, a worker's shard). Sums over
     * voxels, so the statistics of tiles that cover an input without overlap add up to the input's
     * ({@link StatisticsAccumulator}, {@link Statistics#plus}); {@link #loss(Statistics)} then finalizes them and
     * {@link #tileGradient} gives each tile its gradient.
     *
     * @param logits the tile's logits, as for {@link #forward}
     * @param target the tile's target, as for {@link #forward}
     * @return the per-image statistics of the tile
     * @throws IllegalArgumentException as {@link #forward}, and the other exceptions of {@link #forward}
     */
    public Statistics statistics(Tensor logits, Tensor target) {
        LossCalls.Outcome outcome = calls.statistics(logits, target);
        return new Statistics(outcome.statistics(), kind(outcome.pass()));
    }

    /**
     * The reduced loss alone, as {@link #forward}{@code (logits, target).loss()}, without allocating: the
     * statistics go to a per-thread buffer. For training loops that only need the number.
     *
     * @param logits the logits, as for {@link #forward}
     * @param target the target, as for {@link #forward}
     * @return the loss reduced by {@link Reduction#MEAN} or {@link Reduction#SUM}
     * @throws IllegalStateException with {@link Reduction#NONE}, which has no scalar loss
     * @throws IllegalArgumentException as {@link #forward}, and the other exceptions of {@link #forward}
     */
    public double lossValue(Tensor logits, Tensor target) {
        calls.requireReduction(true, "reduction NONE has no scalar loss: use forward(…).terms()");
        return calls.lossValue(logits, target);
    }

    /**
     * An accumulator of the statistics of {@code images × classes} terms, filled tile by tile.
     *
     * @param images N, the images of the whole input (≥ 1)
     * @param classes C, the classes of the whole input (1 … {@value #MAX_CLASSES}, N × C ≤ {@value #MAX_TERMS})
     * @return an accumulator holding zeros
     * @throws IllegalArgumentException for a count out of these ranges
     */
    public StatisticsAccumulator accumulator(int images, int classes) {
        return new StatisticsAccumulator(this, images, classes);
    }

    /**
     * The loss of accumulated (or whole, or all-reduced) statistics: the same as {@link #forward} on the input they
     * were summed from.
     *
     * @param statistics statistics of this loss's kind
     * @return the loss, its terms and {@code statistics}
     * @throws IllegalArgumentException for statistics this loss does not compute (another activation, squared
     *     sums, soft overlap or cross-entropy setting), or whose class count does not fit its options
     * @throws NullPointerException for null statistics
     */
    public LossResult loss(Statistics statistics) {
        checkKind(Objects.requireNonNull(statistics, "statistics"));
        return evaluate(statistics);
    }

    /** The loss as a function of the per-image statistics. */
    private LossResult evaluate(Statistics statistics) {
        return result(calls.evaluate(statistics.table()), statistics);
    }

    private LossResult result(LossCalls.Outcome outcome, Statistics statistics) {
        return new LossResult(outcome.value().loss(), options.reduction(), outcome.terms(), options.firstClass(),
                outcome.value().countedTerms(), outcome.value().diceLoss(), outcome.value().crossEntropy(), statistics);
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
     * {@link #forward}, and ∂L/∂logits written into {@code gradient}. Every element is written; ignored voxels get 0
     * in every channel.
     *
     * @param logits the logits, as for {@link #forward}
     * @param target the target, as for {@link #forward}
     * @param gradient receives ∂L/∂logits: FLOAT32 (or the logits' half-precision type), the logits' shape and
     *     layout, writable, sharing no memory with the inputs
     * @return the result of {@link #forward}
     * @throws IllegalArgumentException as {@link #forward}, or for a gradient tensor that does not fit; nothing is
     *     written then
     * @throws IllegalStateException with {@link Reduction#NONE}, which needs an upstream gradient per term
     * @throws java.util.concurrent.CancellationException as {@link #forward}; the gradient is then filled with NaN,
     *     never left partly written (also after a rejected worker or a failing one)
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient) {
        return forwardBackward(logits, target, gradient, 1.0);
    }

    /**
     * As {@link #forwardBackward(Tensor, Tensor, Tensor)}, the gradient scaled by {@code upstream}, for
     * {@link Reduction#MEAN} and {@link Reduction#SUM}.
     *
     * @param logits the logits, as for {@link #forward}
     * @param target the target, as for {@link #forward}
     * @param gradient receives upstream·∂L/∂logits, as for {@link #forwardBackward(Tensor, Tensor, Tensor)}
     * @param upstream ∂ of an outer objective with respect to this loss (finite)
     * @return the result of {@link #forward}
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor)}, or for a non-finite
     *     {@code upstream}
     * @throws IllegalStateException with {@link Reduction#NONE}: use the {@code double[][]} overload
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double upstream) {
        calls.requireReduction(true, "reduction NONE has one term per (image, class) and needs an upstream gradient"
                + " per term: use forwardBackward(logits, target, gradient, double[][])");
        LossInputs.checkUpstream(upstream, "upstream");
        return forwardBackward(logits, target, gradient, upstream, null);
    }

    /**
     * For {@link Reduction#NONE}: the gradient of Σ upstream[row][column]·term[row][column] over the counted terms.
     * Entries of excluded terms are not used.
     *
     * @param logits the logits, as for {@link #forward}
     * @param target the target, as for {@link #forward}
     * @param gradient receives the gradient, as for {@link #forwardBackward(Tensor, Tensor, Tensor)}
     * @param upstream finite values shaped as {@link LossResult#terms()}: rows are images (one row with batch
     *     statistics), columns classes (without class 0 when the background is excluded)
     * @return the result of {@link #forward}
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor)}, or for upstream values of
     *     another shape or not finite
     * @throws IllegalStateException with {@link Reduction#MEAN} or {@link Reduction#SUM}: use
     *     {@link #forwardBackward(Tensor, Tensor, Tensor, double)}
     * @throws NullPointerException for a null {@code upstream}
     */
    public LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double[][] upstream) {
        calls.requireReduction(false, "a per-term upstream gradient needs reduction NONE, got " + options.reduction()
                + ": use forwardBackward(logits, target, gradient, double)");
        Objects.requireNonNull(upstream, "upstream");
        return forwardBackward(logits, target, gradient, 1.0, upstream);
    }

    private LossResult forwardBackward(Tensor logits, Tensor target, Tensor gradient, double upstream,
            double[][] upstreamTerms) {
        LossCalls.Outcome outcome = calls.forwardBackward(logits, target, gradient, upstream, upstreamTerms);
        return result(outcome, new Statistics(outcome.statistics(), kind(outcome.pass())));
    }

    /**
     * The reduced loss, and its gradient written into {@code gradient}, as
     * {@link #forwardBackward(Tensor, Tensor, Tensor)} but without allocating a result: for training loops.
     *
     * @param logits the logits, as for {@link #forward}
     * @param target the target, as for {@link #forward}
     * @param gradient receives ∂L/∂logits, as for {@link #forwardBackward(Tensor, Tensor, Tensor)}
     * @return the loss reduced by {@link Reduction#MEAN} or {@link Reduction#SUM}
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor)}
     * @throws IllegalStateException with {@link Reduction#NONE}, which has no scalar loss
     */
    public double lossValueAndGradient(Tensor logits, Tensor target, Tensor gradient) {
        calls.requireReduction(true, "reduction NONE has no scalar loss and needs an upstream gradient per term: use"
                + " forwardBackward(logits, target, gradient, double[][])");
        return calls.lossValueAndGradient(logits, target, gradient);
    }

    /**
     * ∂L/∂logits of one tile, where L is the loss of {@code whole} (the accumulated statistics of every tile) and the
     * tile holds images {@code firstImage … firstImage + N_tile − 1} of it: written into {@code gradient} as
     * {@link #forwardBackward(Tensor, Tensor, Tensor, double)} would for the whole input, restricted to the tile.
     * The tile is read twice (its labels are checked before anything is written, and the activation is computed in
     * the statistics pass that stores it, as in forwardBackward).
     *
     * @param whole the statistics of the whole input, of this loss's kind
     * @param firstImage the image of {@code whole} that is the tile's image 0
     * @param logits the tile's logits, as for {@link #forward}
     * @param target the tile's target, as for {@link #forward}
     * @param gradient receives the tile's part of the gradient, as for {@link #forwardBackward(Tensor, Tensor, Tensor)}
     * @param upstream ∂ of an outer objective with respect to the loss (finite)
     * @throws IllegalArgumentException as {@link #forwardBackward(Tensor, Tensor, Tensor, double)}, for statistics
     *     of another kind or class count, or a tile outside {@code whole}'s images; nothing is written then
     * @throws IllegalStateException with {@link Reduction#NONE}, which has no scalar loss
     */
    public void tileGradient(Statistics whole, int firstImage, Tensor logits, Tensor target, Tensor gradient,
            double upstream) {
        calls.requireReduction(true, "reduction NONE has no scalar loss: a tile's gradient needs MEAN or SUM");
        LossInputs.checkUpstream(upstream, "upstream");
        checkKind(Objects.requireNonNull(whole, "whole"));
        calls.tileGradient(whole.table(), firstImage, logits, target, gradient, upstream);
    }

    /**
     * The activation this loss applies to logits with {@code classes} channels: the one set, or when unset SOFTMAX
     * for C &gt; 1 and SIGMOID for C = 1. API because the activation may be left to the input: a caller reporting or
     * reproducing a result needs the one that ran.
     *
     * @param classes C, the channels of the logits (≥ 1)
     * @return the activation of a call on C channels
     * @throws IllegalArgumentException for C &lt; 1
     */
    public Activation activationFor(long classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes: expected a value ≥ 1, got " + classes);
        }
        return options.activationFor(classes);
    }

    /**
     * The kernels this loss runs on: {@code "vector"} (the Vector API, with {@code --add-modules
     * jdk.incubator.vector}) or {@code "scalar"} (without it, or with
     * {@link Builder#referenceKernels(boolean) referenceKernels(true)}). API for logs and reports (the command line
     * prints it), so that a slow run can be traced to a missing module; these two values are the whole contract.
     *
     * @return {@code "vector"} or {@code "scalar"}
     */
    public String kernelName() {
        return calls.kernelName();
    }

    @Override
    SharedOptions shared() {
        return options;
    }

    /** {@return the overlap score (default DICE)} */
    public Variant variant() {
        return options.variant();
    }

    /** {@return α, the Tversky weight of false positives (default 0.5; used by TVERSKY only)} */
    public double alpha() {
        return options.alpha();
    }

    /** {@return β, the Tversky weight of false negatives (default 0.5; used by TVERSKY only)} */
    public double beta() {
        return options.beta();
    }

    /** {@return γ of the focal term {@code (1 − S)^γ} (default 1: the plain term)} */
    public double focalGamma() {
        return options.focalGamma();
    }

    /** {@return whether the term is {@code −ln S} instead of {@code 1 − S} (default false)} */
    public boolean logLoss() {
        return options.logLoss();
    }

    /** {@return whether the denominator sums squares {@code Σp², Σg²} (default false)} */
    public boolean squared() {
        return options.squared();
    }

    /** {@return whether I is the soft overlap {@code (P + G − A)/2} (default false)} */
    public boolean softLabel() {
        return options.softLabel();
    }

    /** {@return the smoothing added to the score's numerator (default 1e-5; 1 for binary() and multiClass())} */
    public double smoothNumerator() {
        return options.smoothNumerator();
    }

    /** {@return the smoothing added to the score's denominator (default 1e-5; 1 for binary() and multiClass())} */
    public double smoothDenominator() {
        return options.smoothDenominator();
    }

    /** {@return the lower bound of every score's denominator (default 0: off)} */
    public double denominatorFloor() {
        return options.denominatorFloor();
    }

    /** {@return whether the statistics are summed over the batch before scoring (default false: per image)} */
    public boolean batch() {
        return options.batch();
    }

    /** {@return a copy of the class weights, indexed by class, or empty for none (the default)} */
    public Optional<double[]> classWeights() {
        return Optional.ofNullable(options.classWeights()).map(double[]::clone);
    }

    /** {@return the denominator of a weighted MEAN (default COUNT)} */
    public WeightNormalization weightNormalization() {
        return options.weightNormalization();
    }

    /** {@return what a term with an empty target contributes (default INCLUDE)} */
    public EmptyPolicy emptyPolicy() {
        return options.emptyPolicy();
    }

    /** {@return how the terms are combined (default MEAN)} */
    public Reduction reduction() {
        return options.reduction();
    }

    /** {@return the class weights of generalized Dice, or empty for per-class terms (the default)} */
    public Optional<GeneralizedWeight> generalized() {
        return Optional.ofNullable(options.generalized());
    }

    /** {@return λ_dice, the weight of the Dice part (default 1)} */
    public double lambdaDice() {
        return options.lambdaDice();
    }

    /** {@return λ_ce, the weight of the cross-entropy part (default 0: none)} */
    public double lambdaCrossEntropy() {
        return options.lambdaCrossEntropy();
    }

    /**
     * Options of a {@link DiceLoss}. Every setter checks its argument at once ({@link IllegalArgumentException}
     * naming it) and returns this builder; {@link #build()} checks the combination. An option that may be unset is
     * unset again by its {@code clear…()} method, never by {@code null}.
     */
    public static final class Builder extends DiceLossSetters {
        private Builder(LossOptions options) {
            super(options);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The loss of these options.
         *
         * @return a new loss
         * @throws IllegalArgumentException for a combination that does not fit (naming the option)
         */
        public DiceLoss build() {
            return new DiceLoss(options());
        }
    }
}
