package org.dice4j.internal;

import java.util.Arrays;
import java.util.Objects;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Layout;
import org.dice4j.Tensor;

/**
 * The checks of a metric call's inputs, before anything is read: the prediction (float scores or a label map) and the
 * target (dense or a label map) against each other and the options. Each failure is an IllegalArgumentException
 * naming the parameter, the expected and the actual value. Not an API: internal to dice4j.
 */
public final class MetricInputs {
    /** Most terms N × C of one call (DiceMetric's class comment says why). */
    public static final int MAX_TERMS = 1 << 18;

    private MetricInputs() {}

    /** The classes and the spatial shape of a call. */
    private record Geometry(long classes, long[] spatial) {}

    /** The counting pass of checked {@code prediction} and {@code target}. */
    public static CountPass countPass(MetricOptions options, Tensor prediction, Tensor target) {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(target, "target");
        checkTensor("prediction", prediction, "scores");
        checkTensor("target", target, "values");
        long[] predictionShape = prediction.shape();
        long[] targetShape = target.shape();
        Geometry geometry = prediction.dtype() == DType.FLOAT32
                ? ofScores(options, predictionShape)
                : ofLabels(options, predictionShape, target.dtype() == DType.FLOAT32, targetShape);
        long images = predictionShape[0];
        long classes = geometry.classes();
        if (images < 1 || classes < 1) {
            throw new InvalidArgumentException("prediction", "expected N ≥ 1 and C ≥ 1, got N = " + images + ", C = "
                    + classes);
        }
        if (InputChecks.exceedsTerms(images, classes, MAX_TERMS)) {
            throw new InvalidArgumentException("prediction", "N × C terms for shape " + Arrays.toString(predictionShape)
                    + " (N = " + images + ", C = " + classes + ") exceed the " + MAX_TERMS + " supported");
        }
        checkTarget(options, target, targetShape, images, classes, geometry.spatial());
        if (!options.includeBackground() && classes == 1) {
            throw new InvalidArgumentException("includeBackground", "false needs C > 1, got C = 1");
        }
        return pass(options, prediction, target, images, geometry);
    }

    private static void checkTensor(String name, Tensor tensor, String floats) {
        if (tensor.layout() != Layout.CHANNELS_FIRST) {
            throw new InvalidArgumentException(name, "layout " + tensor.layout() + " is not supported yet");
        }
        InputChecks.checkAlive(name, tensor);
        if (tensor.dtype() != DType.FLOAT32 && !tensor.dtype().isInteger()) {
            throw new InvalidArgumentException(name, "expected FLOAT32 " + floats
                    + " or an integer label map, got " + tensor.dtype());
        }
    }

    /** Float scores (N, C, spatial…). */
    private static Geometry ofScores(MetricOptions options, long[] predictionShape) {
        if (predictionShape.length < 3) {
            throw new InvalidArgumentException("prediction", "expected scores of shape (N, C, spatial…), got "
                    + Arrays.toString(predictionShape));
        }
        long classes = predictionShape[1];
        if (options.numClasses() != 0 && options.numClasses() != classes) {
            throw new InvalidArgumentException("numClasses", "" + options.numClasses()
                    + " differs from the prediction's C = " + classes);
        }
        return new Geometry(classes, Arrays.copyOfRange(predictionShape, 2, predictionShape.length));
    }

    /** A label-map prediction: the class count from a dense target or the options. */
    private static Geometry ofLabels(MetricOptions options, long[] predictionShape, boolean denseTarget,
            long[] targetShape) {
        if (predictionShape.length < 2) {
            throw new InvalidArgumentException("prediction", "expected a label map (N, spatial…) or (N, 1, spatial…),"
                    + " got " + Arrays.toString(predictionShape));
        }
        // The spatial shape: a dense target's, else the shorter label map's (the other may have a channel axis of 1).
        long[] spatial = denseTarget && targetShape.length >= 2
                ? Arrays.copyOfRange(targetShape, 2, targetShape.length)
                : !denseTarget && targetShape.length >= 1 && targetShape.length < predictionShape.length
                        ? Arrays.copyOfRange(targetShape, 1, targetShape.length)
                        : Arrays.copyOfRange(predictionShape, 1, predictionShape.length);
        if (!isLabelMap(predictionShape, predictionShape[0], spatial)) {
            throw new InvalidArgumentException("prediction", "a label map of shape " + Arrays.toString(predictionShape)
                    + " does not match the target's " + Arrays.toString(targetShape));
        }
        if (denseTarget) {
            return new Geometry(targetShape[1], spatial);
        }
        if (options.numClasses() != 0) {
            return new Geometry(options.numClasses(), spatial);
        }
        throw new InvalidArgumentException("numClasses", "required with a label-map prediction and a label-map"
                + " target (nothing else says how many classes there are)");
    }

    private static void checkTarget(MetricOptions options, Tensor target, long[] targetShape, long images,
            long classes, long[] spatial) {
        long[] expectedDense = dense(images, classes, spatial);
        if (target.dtype() == DType.FLOAT32) {
            if (!Arrays.equals(targetShape, expectedDense)) {
                throw new InvalidArgumentException("target", "a dense float32 target must have shape "
                        + Arrays.toString(expectedDense) + ", got " + Arrays.toString(targetShape));
            }
            InputChecks.checkNoIgnoreIndex(options.ignoreIndex());
        } else if (!isLabelMap(targetShape, images, spatial)) {
            throw InputChecks.notALabelMap("target", target.dtype(), dense(images, 1, spatial), 1, targetShape);
        }
    }

    /** Whether {@code shape} is a label map of (images, spatial…): the label-map rule of InputChecks.isLabelMap. */
    private static boolean isLabelMap(long[] shape, long images, long[] spatial) {
        return InputChecks.isLabelMap(shape, dense(images, 1, spatial), 1);
    }

    private static long[] dense(long images, long classes, long[] spatial) {
        long[] shape = new long[spatial.length + 2];
        shape[0] = images;
        shape[1] = classes;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return shape;
    }

    private static CountPass pass(MetricOptions options, Tensor prediction, Tensor target, long images,
            Geometry geometry) {
        int classes = (int) geometry.classes();
        CountPass.Mode mode = CountPass.Mode.LABELS;
        float decision = 0;
        if (prediction.dtype() == DType.FLOAT32) {
            Activation resolved = options.activation() != null ? options.activation()
                    : classes > 1 ? Activation.SOFTMAX : Activation.SIGMOID;
            if (resolved == Activation.SIGMOID || (resolved == Activation.NONE && classes == 1)) {
                mode = CountPass.Mode.THRESHOLD;
                double threshold = options.threshold();
                // The builder checks an explicit SIGMOID; one resolved from C = 1 is checked here.
                if (resolved == Activation.SIGMOID && !(threshold > 0 && threshold < 1)) {
                    throw new InvalidArgumentException("threshold", "a SIGMOID probability threshold must be in (0, 1),"
                            + " got " + threshold);
                }
                decision = floatBelow(resolved == Activation.SIGMOID ? Math.log(threshold / (1 - threshold)) : threshold);
            } else if (classes == 1) {
                throw new InvalidArgumentException("activation", "SOFTMAX needs C > 1 (an argmax over one channel is"
                        + " constantly 0); use SIGMOID or NONE with a threshold for a binary prediction");
            } else {
                mode = CountPass.Mode.ARGMAX;
            }
        }
        long voxels = Arrays.stream(geometry.spatial()).reduce(1, Math::multiplyExact);
        return new CountPass(prediction.segment(), prediction.dtype(), mode, decision, target.segment(), target.dtype(),
                images, classes, voxels, options.ignoreIndex().isPresent(), options.ignoreIndex().orElse(0),
                geometry.spatial(), options.threads() > 1
                        ? Parallelism.of(options.threads(), options.executor()).over(prediction.segment(), target.segment())
                        : Parallelism.SEQUENTIAL);
    }

    /** The largest float ≤ x: a float score z satisfies z > x exactly when z > floatBelow(x). */
    private static float floatBelow(double x) {
        float rounded = (float) x;
        return rounded > x ? Math.nextDown(rounded) : rounded;
    }
}
