package org.dice4j;

import java.util.Objects;
import java.util.OptionalLong;
import org.dice4j.internal.ArenaClosedDuringCall;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.CountTable;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.MetricInputs;
import org.dice4j.internal.MetricOptions;

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
 * <p>Limit: at most {@value #MAX_TERMS} terms N × C per call, whatever the spatial size, an empty one included. The
 * counts, scores and their copies take about 200 bytes a term (N = 2^20 images of one class needed 185 MB): a problem
 * at the limit holds about 50 MB, well under a small machine's default heap.
 */
public final class DiceMetric {
    /** Most terms N × C of one call (see the class comment). */
    static final int MAX_TERMS = MetricInputs.MAX_TERMS;
    private final MetricOptions options;

    private DiceMetric(MetricOptions options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder(MetricOptions.DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(options);
    }

    /** "vector" or "scalar": the kernels {@link #compute} runs on. */
    public String kernelName() {
        return kernels().name();
    }

    private Kernels kernels() {
        return options.referenceKernels() ? KernelProvider.scalar() : KernelProvider.get();
    }

    public MetricReduction reduction() {
        return options.reduction();
    }

    public OptionalLong ignoreIndex() {
        return options.ignoreIndex();
    }

    /**
     * The metric of {@code prediction} against {@code target}.
     *
     * @throws IllegalArgumentException for shapes or types that do not fit, a closed segment, or a label out of range
     *     (naming the tensor, its image, voxel and value)
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
    public String toString() {
        return "DiceMetric[" + options.summary() + "]";
    }

    /** Options of a {@link DiceMetric}; every setter checks its argument. */
    public static final class Builder {
        private Activation activation;
        private double threshold;
        private boolean includeBackground;
        private boolean ignoreEmpty;
        private OptionalLong ignoreIndex;
        private int numClasses;
        private MetricReduction reduction;
        private boolean referenceKernels;
        private int threads;
        private java.util.concurrent.Executor executor;

        /** A builder starting from {@code options} (MetricOptions.DEFAULTS: every default). */
        private Builder(MetricOptions options) {
            activation = options.activation();
            threshold = options.threshold();
            includeBackground = options.includeBackground();
            ignoreEmpty = options.ignoreEmpty();
            ignoreIndex = options.ignoreIndex();
            numClasses = options.numClasses();
            reduction = options.reduction();
            referenceKernels = options.referenceKernels();
            threads = options.threads();
            executor = options.executor();
        }

        /**
         * Where the extra threads come from (default: the common fork-join pool); {@code null} for the default. An
         * executor that rejects a worker stops the call with a {@link java.util.concurrent.RejectedExecutionException}.
         */
        public Builder executor(java.util.concurrent.Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Threads a call may use (default 1); the counts do not depend on it. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads: expected a value ≥ 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** How float scores become hard predictions; {@code null} (default): SOFTMAX when C &gt; 1, else SIGMOID. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** Probability threshold of SIGMOID (in (0, 1)), or score threshold of NONE with C = 1. */
        public Builder threshold(double threshold) {
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("threshold: expected a finite value, got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        public Builder includeBackground(boolean includeBackground) {
            this.includeBackground = includeBackground;
            return this;
        }

        /** With an empty target: NaN (true, default), or 1 if the prediction is empty too, else 0 (false). */
        public Builder ignoreEmpty(boolean ignoreEmpty) {
            this.ignoreEmpty = ignoreEmpty;
            return this;
        }

        /** Target voxels with this label count in no class (label-map targets only). */
        public Builder ignoreIndex(long ignoreIndex) {
            this.ignoreIndex = OptionalLong.of(ignoreIndex);
            return this;
        }

        /** The class count, needed when both prediction and target are label maps; 0 (default): from the inputs. */
        public Builder numClasses(int numClasses) {
            if (numClasses < 0) {
                throw new IllegalArgumentException("numClasses: expected a value ≥ 1 (or 0 for unset), got " + numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        public Builder reduction(MetricReduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /** Run on the scalar reference kernels. */
        public Builder referenceKernels(boolean referenceKernels) {
            this.referenceKernels = referenceKernels;
            return this;
        }

        /** The metric of these options; throws IllegalArgumentException for a threshold that does not fit. */
        public DiceMetric build() {
            return new DiceMetric(new MetricOptions(activation, threshold, includeBackground, ignoreEmpty, ignoreIndex,
                    numClasses, reduction, referenceKernels, threads, executor));
        }
    }
}
