package org.dice4j;

import java.util.OptionalInt;
import org.dice4j.internal.ArenaClosedDuringCall;
import org.dice4j.internal.BuilderChecks;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.CountTable;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.MetricInputs;
import org.dice4j.internal.MetricOptions;
import org.dice4j.internal.SharedOptions;

/**
 * The hard Dice and IoU metric of evaluation (MONAI's {@code DiceMetric}): predictions are made hard (argmax over
 * channels, a threshold per channel, or given as a label map), then per (image, class) {@code Dice = 2|A∩B|/(|A| +
 * |B|)} and {@code IoU = |A∩B|/|A∪B|} without smoothing. One counting pass; no label map of the prediction is built.
 * Immutable and thread-safe.
 *
 * <p>Predictions: float32 scores {@code (N, C, spatial…)} or an integer label map {@code (N, spatial…)} (then the
 * class count comes from a dense target or {@link Builder#numClasses}). With float scores, SOFTMAX (default when
 * C &gt; 1) and NONE with C &gt; 1 take the argmax (first maximum on ties); SIGMOID (default when C = 1) takes
 * {@code sigmoid(z) > threshold} per channel (multi-label), decided as {@code z > ln(t/(1 − t))} so that no exp is
 * computed; NONE with C = 1 takes {@code z > threshold}. Targets: a label map (with ignore-index) or dense float32
 * one-hot, read as {@code g ≥ 0.5}.
 *
 * <p>Options that may be unset (activation, ignore index, class count, executor) follow the rule of
 * {@link DiceLoss}: unset by default, unset again by the builder's {@code clear…()} method, an empty {@code Optional}
 * from the accessor.
 *
 * <p>Limit: at most {@value #MAX_TERMS} terms N × C per call, whatever the spatial size, an empty one included. The
 * counts, scores and their copies take about 200 bytes a term (N = 2^20 images of one class needed 185 MB): a problem
 * at the limit holds about 50 MB, well under a small machine's default heap.
 */
public final class DiceMetric extends SharedAccessors {
    /** Most terms N × C of one call (see the class comment). */
    static final int MAX_TERMS = MetricInputs.MAX_TERMS;
    private final MetricOptions options;

    private DiceMetric(MetricOptions options) {
        this.options = options;
    }

    /**
     * A builder with every default: activation from C, threshold 0.5, background included, empty targets ignored,
     * no ignore index, class count from the inputs, MEAN, one thread.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(MetricOptions.DEFAULTS);
    }

    /** {@return a new builder holding this metric's options} */
    public Builder toBuilder() {
        return new Builder(options);
    }

    /**
     * The kernels this metric runs on, as {@link DiceLoss#kernelName()}.
     *
     * @return {@code "vector"} or {@code "scalar"}
     */
    public String kernelName() {
        return kernels().name();
    }

    private Kernels kernels() {
        return options.referenceKernels() ? KernelProvider.scalar() : KernelProvider.get();
    }

    /**
     * The metric of {@code prediction} against {@code target}.
     *
     * @param prediction FLOAT32 scores {@code (N, C, spatial…)} or an integer label map {@code (N, spatial…)}
     * @param target an integer label map {@code (N, spatial…)} or a dense FLOAT32 one-hot {@code (N, C, spatial…)}
     * @return the per-(image, class) Dice and IoU, their reduction and the counts
     * @throws IllegalArgumentException for shapes or types that do not fit, a closed segment, or a label out of range
     *     (naming the tensor, its image, voxel and value)
     * @throws NullPointerException for a null tensor
     * @throws IllegalStateException naming the tensor when another thread closes its shared arena during the call,
     *     the interrupt status left as the call found it (as {@link DiceLoss#forward})
     */
    public MetricResult compute(Tensor prediction, Tensor target) {
        CountPass pass = MetricInputs.countPass(options, prediction, target);
        long[] counts = new long[pass.outputLength()];
        boolean interrupted = Thread.currentThread().isInterrupted();
        try {
            kernels().counts(pass, counts);
        } catch (IllegalStateException e) {
            throw ArenaClosedDuringCall.explain(e, interrupted, "prediction", prediction, "target", target);
        }
        return MetricResult.of(new CountTable((int) pass.images(), pass.classes(), counts), options.firstClass(),
                options.ignoreEmpty(), options.reduction());
    }

    @Override
    SharedOptions shared() {
        return options;
    }

    /** {@return the threshold of SIGMOID (a probability) or of NONE with C = 1 (a score); default 0.5} */
    public double threshold() {
        return options.threshold();
    }

    /** {@return whether an empty target gives NaN (true, the default) rather than 1 or 0} */
    public boolean ignoreEmpty() {
        return options.ignoreEmpty();
    }

    /** {@return the class count set, or empty when it comes from the inputs (the default)} */
    public OptionalInt numClasses() {
        return options.numClasses() == 0 ? OptionalInt.empty() : OptionalInt.of(options.numClasses());
    }

    /** {@return how the per-(image, class) values are combined (default MEAN)} */
    public MetricReduction reduction() {
        return options.reduction();
    }

    /**
     * Options of a {@link DiceMetric}. Every setter checks its argument and returns this builder; an option that may
     * be unset is unset again by its {@code clear…()} method, never by {@code null} or 0.
     */
    public static final class Builder extends SharedSetters<Builder> {
        private double threshold;
        private boolean ignoreEmpty;
        private int numClasses;
        private MetricReduction reduction;

        /** A builder starting from {@code options} (MetricOptions.DEFAULTS: every default). */
        private Builder(MetricOptions options) {
            super(options);
            threshold = options.threshold();
            ignoreEmpty = options.ignoreEmpty();
            numClasses = options.numClasses();
            reduction = options.reduction();
        }

        /**
         * The probability threshold of SIGMOID, or the score threshold of NONE with C = 1 (default 0.5).
         *
         * @param threshold a finite value; in (0, 1) with SIGMOID (checked at {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException for a non-finite value
         */
        public Builder threshold(double threshold) {
            this.threshold = BuilderChecks.finite("threshold", threshold);
            return this;
        }

        /**
         * With an empty target: NaN (true, default), or 1 if the prediction is empty too, else 0 (false).
         *
         * @param ignoreEmpty whether empty targets give NaN
         * @return this builder
         */
        public Builder ignoreEmpty(boolean ignoreEmpty) {
            this.ignoreEmpty = ignoreEmpty;
            return this;
        }

        /**
         * The class count, needed when both prediction and target are label maps (default: from the inputs).
         *
         * @param numClasses C, at least 1
         * @return this builder
         * @throws IllegalArgumentException for a count below 1 ({@link #clearNumClasses()} restores the default)
         */
        public Builder numClasses(int numClasses) {
            if (numClasses < 1) {
                throw new IllegalArgumentException("numClasses: expected a value ≥ 1 (clearNumClasses() for the"
                        + " inputs' count), got " + numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        /** {@return this builder, its class count from the inputs again (the default)} */
        public Builder clearNumClasses() {
            this.numClasses = 0;
            return this;
        }

        /**
         * How the per-(image, class) values are combined (default MEAN).
         *
         * @param reduction MEAN, MEAN_BATCH or NONE
         * @return this builder
         * @throws NullPointerException for null
         */
        public Builder reduction(MetricReduction reduction) {
            this.reduction = BuilderChecks.required("reduction", reduction);
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The metric of these options.
         *
         * @return a new metric
         * @throws IllegalArgumentException for a SIGMOID threshold outside (0, 1)
         */
        public DiceMetric build() {
            return new DiceMetric(new MetricOptions(activation, threshold, includeBackground, ignoreEmpty, ignoreIndex,
                    numClasses, reduction, referenceKernels, threads, executor));
        }
    }
}
