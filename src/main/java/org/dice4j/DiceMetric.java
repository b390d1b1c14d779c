package org.dice4j;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.dice4j.internal.ArenaClosedDuringCall;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.CountTable;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Parallelism;
import org.dice4j.internal.Kernels;

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
    static final int MAX_TERMS = 1 << 18;
    private final Activation activation;
    private final double threshold;
    private final boolean includeBackground;
    private final boolean ignoreEmpty;
    private final boolean hasIgnoreIndex;
    private final long ignoreIndex;
    private final int numClasses;
    private final MetricReduction reduction;
    private final boolean referenceKernels;
    private final int threads;
    /** The builder's executor, or null for the common fork-join pool. */
    private final java.util.concurrent.Executor executor;

    private DiceMetric(Builder b) {
        activation = b.activation;
        threshold = b.threshold;
        includeBackground = b.includeBackground;
        ignoreEmpty = b.ignoreEmpty;
        hasIgnoreIndex = b.hasIgnoreIndex;
        ignoreIndex = b.ignoreIndex;
        numClasses = b.numClasses;
        reduction = b.reduction;
        referenceKernels = b.referenceKernels;
        threads = b.threads;
        executor = b.executor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.activation = activation;
        b.threshold = threshold;
        b.includeBackground = includeBackground;
        b.ignoreEmpty = ignoreEmpty;
        b.hasIgnoreIndex = hasIgnoreIndex;
        b.ignoreIndex = ignoreIndex;
        b.numClasses = numClasses;
        b.reduction = reduction;
        b.referenceKernels = referenceKernels;
        b.threads = threads;
        b.executor = executor;
        return b;
    }

    /** "vector" or "scalar": the kernels {@link #compute} runs on. */
    public String kernelName() {
        return kernels().name();
    }

    private Kernels kernels() {
        return referenceKernels ? KernelProvider.scalar() : KernelProvider.get();
    }

    public MetricReduction reduction() {
        return reduction;
    }

    public OptionalLong ignoreIndex() {
        return hasIgnoreIndex ? OptionalLong.of(ignoreIndex) : OptionalLong.empty();
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
        CountPass pass = prepare(prediction, target);
        long[] counts = new long[pass.outputLength()];
        boolean interrupted = Thread.currentThread().isInterrupted();
        try {
            kernels().counts(pass, counts);
        } catch (IllegalStateException e) {
            throw ArenaClosedDuringCall.explain(e, interrupted, "prediction", prediction, "target", target);
        }
        return MetricResult.of(new CountTable((int) pass.images(), pass.classes(), counts), includeBackground ? 0 : 1,
                ignoreEmpty, reduction);
    }

    private CountPass prepare(Tensor prediction, Tensor target) {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(target, "target");
        for (Tensor tensor : new Tensor[] {prediction, target}) {
            String name = tensor == prediction ? "prediction" : "target";
            if (tensor.layout() != Layout.CHANNELS_FIRST) {
                throw new IllegalArgumentException(name + ": layout " + tensor.layout() + " is not supported yet");
            }
            if (!tensor.segment().scope().isAlive()) {
                throw new IllegalArgumentException(name + ": the segment's arena is closed");
            }
            if (tensor.dtype() != DType.FLOAT32 && !tensor.dtype().isInteger()) {
                throw new IllegalArgumentException(name + ": expected FLOAT32 " + (tensor == prediction ? "scores" : "values")
                        + " or an integer label map, got " + tensor.dtype());
            }
        }
        long[] predictionShape = prediction.shapeArray();
        long[] targetShape = target.shapeArray();
        boolean scores = prediction.dtype() == DType.FLOAT32;
        boolean denseTarget = target.dtype() == DType.FLOAT32;
        long classes;
        long[] spatial;
        if (scores) {
            if (predictionShape.length < 3) {
                throw new IllegalArgumentException("prediction: expected scores of shape (N, C, spatial…), got "
                        + Arrays.toString(predictionShape));
            }
            classes = predictionShape[1];
            spatial = Arrays.copyOfRange(predictionShape, 2, predictionShape.length);
            if (numClasses != 0 && numClasses != classes) {
                throw new IllegalArgumentException("numClasses: " + numClasses + " differs from the prediction's C = "
                        + classes);
            }
        } else {
            if (predictionShape.length < 2) {
                throw new IllegalArgumentException("prediction: expected a label map (N, spatial…) or (N, 1, spatial…),"
                        + " got " + Arrays.toString(predictionShape));
            }
            // (N, spatial…) or (N, 1, spatial…): both have the same voxels; a dense target's shape decides below.
            spatial = denseTarget && targetShape.length >= 2
                    ? Arrays.copyOfRange(targetShape, 2, targetShape.length)
                    : Arrays.copyOfRange(predictionShape, 1, predictionShape.length);
            if (!isLabelMap(predictionShape, predictionShape[0], spatial)) {
                throw new IllegalArgumentException("prediction: a label map of shape " + Arrays.toString(predictionShape)
                        + " does not match the target's " + Arrays.toString(targetShape));
            }
            if (denseTarget) {
                classes = targetShape[1];
            } else if (numClasses != 0) {
                classes = numClasses;
            } else {
                throw new IllegalArgumentException("numClasses: required with a label-map prediction and a label-map"
                        + " target (nothing else says how many classes there are)");
            }
        }
        long images = predictionShape[0];
        if (images < 1 || classes < 1) {
            throw new IllegalArgumentException("prediction: expected N ≥ 1 and C ≥ 1, got N = " + images + ", C = "
                    + classes);
        }
        // Each factor within the limit first, so that the product cannot overflow (with an empty axis it could).
        if (images > MAX_TERMS || classes > MAX_TERMS || images * classes > MAX_TERMS) {
            throw new IllegalArgumentException("prediction: N × C terms for shape " + Arrays.toString(predictionShape)
                    + " (N = " + images + ", C = " + classes + ") exceed the " + MAX_TERMS + " supported");
        }
        long[] expectedDense = expectedDense(images, classes, spatial);
        if (denseTarget) {
            if (!Arrays.equals(targetShape, expectedDense)) {
                throw new IllegalArgumentException("target: a dense float32 target must have shape "
                        + Arrays.toString(expectedDense) + ", got " + Arrays.toString(targetShape));
            }
            if (hasIgnoreIndex) {
                throw new IllegalArgumentException("ignoreIndex: " + ignoreIndex
                        + " needs an integer label-map target, got a dense float32 target");
            }
        } else if (!isLabelMap(targetShape, images, spatial)) {
            long[] expected = new long[spatial.length + 1];
            expected[0] = images;
            System.arraycopy(spatial, 0, expected, 1, spatial.length);
            throw new IllegalArgumentException("target: a " + target.dtype() + " label map must have shape "
                    + Arrays.toString(expected) + " or " + Arrays.toString(expectedDense(images, 1, spatial)) + ", got "
                    + Arrays.toString(targetShape));
        }
        if (!includeBackground && classes == 1) {
            throw new IllegalArgumentException("includeBackground: false needs C > 1, got C = 1");
        }
        CountPass.Mode mode;
        float decision = 0;
        if (!scores) {
            mode = CountPass.Mode.LABELS;
        } else {
            Activation resolved = activation != null ? activation : classes > 1 ? Activation.SOFTMAX : Activation.SIGMOID;
            if (resolved == Activation.SIGMOID || (resolved == Activation.NONE && classes == 1)) {
                mode = CountPass.Mode.THRESHOLD;
                decision = floatBelow(resolved == Activation.SIGMOID ? Math.log(threshold / (1 - threshold)) : threshold);
            } else if (classes == 1) {
                throw new IllegalArgumentException("activation: SOFTMAX needs C > 1 (an argmax over one channel is"
                        + " constantly 0); use SIGMOID or NONE with a threshold for a binary prediction");
            } else {
                mode = CountPass.Mode.ARGMAX;
            }
        }
        long voxels = Arrays.stream(spatial).reduce(1, Math::multiplyExact);
        return new CountPass(prediction.segment(), prediction.dtype(), mode, decision, target.segment(), target.dtype(),
                images, (int) classes, voxels, hasIgnoreIndex, ignoreIndex, spatial,
                threads > 1 && Parallelism.shareable(prediction.segment(), target.segment())
                        ? (executor == null ? Parallelism.of(threads) : new Parallelism(threads, executor))
                        : Parallelism.SEQUENTIAL);
    }

    /** The largest float ≤ x: a float score z satisfies z > x exactly when z > floatBelow(x). */
    private static float floatBelow(double x) {
        float rounded = (float) x;
        return rounded > x ? Math.nextDown(rounded) : rounded;
    }

    /**
     * Whether {@code shape} is (images, spatial…) up to axes of size 1, such as a channel axis (N, 1, spatial…): they
     * change neither the voxel count nor the voxels' order.
     */
    private static boolean isLabelMap(long[] shape, long images, long[] spatial) {
        return shape.length >= 1 && shape[0] == images
                && Arrays.equals(withoutOnes(Arrays.copyOfRange(shape, 1, shape.length)), withoutOnes(spatial));
    }

    private static long[] withoutOnes(long[] sizes) {
        return Arrays.stream(sizes).filter(size -> size != 1).toArray();
    }

    private static long[] expectedDense(long images, long classes, long[] spatial) {
        long[] shape = new long[spatial.length + 2];
        shape[0] = images;
        shape[1] = classes;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return shape;
    }

    @Override
    public String toString() {
        return "DiceMetric[activation=" + (activation == null ? "auto" : activation) + ", threshold=" + threshold
                + (includeBackground ? "" : ", no background") + (ignoreEmpty ? "" : ", keep empty")
                + (hasIgnoreIndex ? ", ignoreIndex=" + ignoreIndex : "")
                + (numClasses != 0 ? ", numClasses=" + numClasses : "") + ", reduction=" + reduction + "]";
    }

    /** Options of a {@link DiceMetric}; every setter checks its argument. */
    public static final class Builder {
        private Activation activation;
        private double threshold = 0.5;
        private boolean includeBackground = true;
        private boolean ignoreEmpty = true;
        private boolean hasIgnoreIndex;
        private long ignoreIndex;
        private int numClasses;
        private MetricReduction reduction = MetricReduction.MEAN;
        private boolean referenceKernels;
        private int threads = 1;
        private java.util.concurrent.Executor executor;

        private Builder() {}

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
            this.hasIgnoreIndex = true;
            this.ignoreIndex = ignoreIndex;
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

        public DiceMetric build() {
            if (activation == Activation.SIGMOID && !(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold: a SIGMOID probability threshold must be in (0, 1), got "
                        + threshold);
            }
            return new DiceMetric(this);
        }
    }
}
