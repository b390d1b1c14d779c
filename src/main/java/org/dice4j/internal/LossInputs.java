package org.dice4j.internal;

import java.util.Arrays;
import java.util.Objects;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Layout;
import org.dice4j.Tensor;

/**
 * The checks of a loss call's inputs, before anything is read or written: the logits against the options, the target
 * against the logits, the gradient buffer and the upstream gradient. Each failure is an IllegalArgumentException
 * naming the parameter, the expected and the actual value. Not an API: internal to dice4j.
 */
public final class LossInputs {
    /** Most terms N × C of one call (DiceLoss's class comment says why). */
    public static final int MAX_TERMS = 1 << 16;
    /** Most classes of one call. */
    public static final int MAX_CLASSES = 1 << 12;

    private LossInputs() {}

    /**
     * The statistics pass of checked {@code logits} and {@code target} for {@code options}, on {@code parallelism}'s
     * threads, or on the calling thread alone when a segment's arena is confined to it (the same bits).
     */
    public static StatisticsPass statisticsPass(LossOptions options, Parallelism parallelism, Tensor logits,
            Tensor target) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(target, "target");
        long[] shape = logits.shape();
        long classes = checkLogits(logits, shape);
        Activation activation = options.activationFor(classes);
        checkClasses(options, activation, classes, shape);
        InputChecks.checkAlive("logits", logits);
        InputChecks.checkAlive("target", target);
        checkTarget(options, logits, shape, target);
        StatisticsPass.Sums sums = new StatisticsPass.Sums(activation, options.squared(), options.softLabel(),
                options.crossEntropy());
        return StatisticsPass.of(logits, shape, target, sums, options.ignoreIndex(),
                parallelism.over(logits.segment(), target.segment()));
    }

    /** The logits' type, shape and term limits; returns C. */
    private static long checkLogits(Tensor logits, long[] shape) {
        if (!logits.dtype().isLogitType()) {
            throw new InvalidArgumentException("logits", "expected dtype FLOAT32, FLOAT16 or BFLOAT16, got "
                    + logits.dtype());
        }
        boolean channelsLast = logits.layout() == Layout.CHANNELS_LAST;
        String expectedShape = channelsLast ? "(N, spatial…, C)" : "(N, C, spatial…)";
        if (shape.length < 3) {
            throw new InvalidArgumentException("logits", "expected shape " + expectedShape + " with at least one spatial"
                    + " axis, got " + Arrays.toString(shape) + " " + logits.layout());
        }
        long images = shape[0];
        long classes = shape[channelsLast ? shape.length - 1 : 1];
        if (images < 1 || classes < 1) {
            throw new InvalidArgumentException("logits", "expected N ≥ 1 and C ≥ 1, got shape " + Arrays.toString(shape));
        }
        if (InputChecks.exceedsTerms(images, classes, MAX_TERMS)) {
            throw new InvalidArgumentException("logits", "N × C terms for shape " + Arrays.toString(shape)
                    + " exceed the " + MAX_TERMS + " supported");
        }
        if (classes > MAX_CLASSES) {
            throw new InvalidArgumentException("logits", "C = " + classes + " classes for shape " + Arrays.toString(shape)
                    + " exceed the " + MAX_CLASSES + " supported");
        }
        return classes;
    }

    /** The options that depend on C. */
    private static void checkClasses(LossOptions options, Activation activation, long classes, long[] shape) {
        if (activation == Activation.SOFTMAX && classes == 1) {
            throw new InvalidArgumentException("activation", "SOFTMAX needs C > 1 (a softmax over one channel is"
                    + " constantly 1); use SIGMOID for a binary problem, got shape " + Arrays.toString(shape));
        }
        if (!options.includeBackground() && classes == 1) {
            throw new InvalidArgumentException("includeBackground", "false needs C > 1 (class 0 is the only class),"
                    + " got shape " + Arrays.toString(shape));
        }
        checkClassWeights(options, classes);
    }

    /** Class weights, if any, have one entry a class. */
    public static void checkClassWeights(LossOptions options, long classes) {
        if (options.classWeights() != null && options.classWeights().length != classes) {
            throw new InvalidArgumentException("classWeights", "expected length C = " + classes + ", got "
                    + options.classWeights().length);
        }
    }

    /** A dense target of the logits' shape and layout, or an integer label map of it (InputChecks.isLabelMap). */
    private static void checkTarget(LossOptions options, Tensor logits, long[] shape, Tensor target) {
        DType targetType = target.dtype();
        long[] targetShape = target.shape();
        if (targetType != DType.FLOAT32 && !targetType.isInteger()) {
            throw new InvalidArgumentException("target", "expected a FLOAT32 dense target or an integer label map, got "
                    + targetType);
        }
        if (targetType == DType.FLOAT32) {
            if (!Arrays.equals(targetShape, shape) || target.layout() != logits.layout()) {
                throw new InvalidArgumentException("target", "a dense float32 target must have the logits' shape "
                        + Arrays.toString(shape) + " " + logits.layout() + ", got " + Arrays.toString(targetShape)
                        + " " + target.layout());
            }
            InputChecks.checkNoIgnoreIndex(options.ignoreIndex());
            return;
        }
        // A label map has no channel axis, so its own layout does not matter; a singleton channel axis, if any,
        // sits where the logits have theirs.
        int channelAxis = logits.layout() == Layout.CHANNELS_LAST ? shape.length - 1 : 1;
        if (!InputChecks.isLabelMap(targetShape, shape, channelAxis)) {
            throw InputChecks.notALabelMap("target", targetType, shape, channelAxis, targetShape);
        }
    }

    /** The pass, on the calling thread only when the gradient's arena is confined to it. */
    public static StatisticsPass forGradient(StatisticsPass pass, Tensor gradient) {
        return pass.parallelism().threads() > 1 && gradient != null && gradient.segment().scope().isAlive()
                && !Parallelism.shareable(gradient.segment()) ? pass.sequential() : pass;
    }

    /** The gradient tensor: float32, the logits' shape, alive, writable, sharing no byte with the inputs. */
    public static void checkGradient(Tensor gradient, Tensor logits, Tensor target) {
        Objects.requireNonNull(gradient, "gradient");
        if (gradient.dtype() != DType.FLOAT32 && gradient.dtype() != logits.dtype()) {
            throw new InvalidArgumentException("gradient", "expected dtype FLOAT32" + (logits.dtype() == DType.FLOAT32 ? ""
                    : " or the logits' " + logits.dtype()) + ", got " + gradient.dtype());
        }
        long[] shape = logits.shape();
        long[] gradientShape = gradient.shape();
        if (gradient.layout() != logits.layout() || !Arrays.equals(gradientShape, shape)) {
            throw new InvalidArgumentException("gradient", "expected the logits' shape " + Arrays.toString(shape)
                    + " " + logits.layout() + ", got " + Arrays.toString(gradientShape) + " " + gradient.layout());
        }
        InputChecks.checkAlive("gradient", gradient);
        if (gradient.segment().isReadOnly()) {
            throw new InvalidArgumentException("gradient", "the segment is read-only");
        }
        if (InputChecks.overlap(gradient, logits)) {
            throw new InvalidArgumentException("gradient", "its memory overlaps the logits'; give it a buffer of its own");
        }
        if (InputChecks.overlap(gradient, target)) {
            throw new InvalidArgumentException("gradient", "its memory overlaps the target's; give it a buffer of its own");
        }
    }

    /** A tile of {@code pass}'s images, from {@code firstImage}, within the whole input's statistics. */
    public static void checkTile(StatisticsPass pass, StatisticsTable whole, int firstImage) {
        if (pass.classes() != whole.classes()) {
            throw new InvalidArgumentException("logits", "the tile has C = " + pass.classes() + ", the statistics "
                    + whole.classes());
        }
        if (firstImage < 0 || firstImage + pass.images() > whole.images()) {
            throw new InvalidArgumentException("firstImage", "images " + firstImage + " … " + (firstImage + pass.images() - 1)
                    + " of the tile are outside the statistics' 0 … " + (whole.images() - 1));
        }
    }

    /** A finite upstream gradient. */
    public static void checkUpstream(double upstream, String name) {
        if (!Double.isFinite(upstream)) {
            throw new InvalidArgumentException(name, "expected a finite value, got " + upstream);
        }
    }

    /** Finite per-term upstream gradients shaped as the terms, rows × columns. */
    public static void checkUpstreamTerms(double[][] upstream, int rows, int columns) {
        if (upstream.length != rows) {
            throw new InvalidArgumentException("upstream", "expected " + rows + " × " + columns
                    + " values (the terms' shape), got " + upstream.length + " rows");
        }
        for (int row = 0; row < rows; row++) {
            if (upstream[row] == null || upstream[row].length != columns) {
                throw new InvalidArgumentException("upstream", "expected " + rows + " × " + columns
                        + " values (the terms' shape), got " + (upstream[row] == null ? "null" : upstream[row].length)
                        + " in row " + row);
            }
            for (int column = 0; column < columns; column++) {
                checkUpstream(upstream[row][column], "upstream[" + row + "][" + column + "]");
            }
        }
    }
}
