package org.dice4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.Reduction;
import org.dice4j.Variant;

/**
 * A random loss configuration and problem for the DJL adapter's tests: binary (sigmoid, C = 1), multi-label
 * (sigmoid, dense), multi-class on a label map (softmax, uint8/int32/int64, with or without its channel axis, with or
 * without an ignore index) or dense (one-hot or soft), with random smoothing, background, batch statistics, Dice or
 * Jaccard, squared sums, cross-entropy weight and MEAN or SUM. Small sizes: every case runs in milliseconds.
 */
record DjlCase(String kind, Activation activation, int classes, long[] shape, float[] logits, boolean dense,
        float[] denseTarget, long[] labelMap, long[] labelShape, DataType labelType, OptionalLong ignoreIndex,
        boolean includeBackground, boolean batch, Reduction reduction, double smoothNumerator,
        double smoothDenominator, Variant variant, boolean squared, double lambdaDice, double lambdaCrossEntropy) {

    private static final String[] KINDS = {"binary", "multi-label", "multi-class labels", "multi-class dense"};
    private static final DataType[] LABEL_TYPES = {DataType.UINT8, DataType.INT32, DataType.INT64};

    static DjlCase random(SplittableRandom random) {
        String kind = KINDS[random.nextInt(KINDS.length)];
        boolean sigmoid = kind.equals("binary") || kind.equals("multi-label");
        int classes = kind.equals("binary") ? 1 : 2 + random.nextInt(kind.equals("multi-label") ? 3 : 4);
        long[] shape = shape(random, classes);
        boolean dense = kind.equals("multi-label") || kind.equals("multi-class dense")
                || kind.equals("binary") && random.nextBoolean();
        long voxels = Arrays.stream(shape).skip(2).reduce(1, (a, b) -> a * b);
        OptionalLong ignore = !dense && random.nextBoolean() ? OptionalLong.of(255) : OptionalLong.empty();
        float[] denseTarget = dense ? denseTarget(random, shape, classes, voxels, kind.equals("multi-class dense"))
                : null;
        long[] labelMap = dense ? null : labelMap(random, (int) (shape[0] * voxels), classes, ignore);
        long[] labelShape = dense ? shape : labelShape(shape, random.nextBoolean());
        boolean background = classes == 1 || random.nextInt(3) != 0;
        double[] smooths = {1e-5, 0.5, 1};
        double lambdaCe = random.nextInt(3) == 0 ? 0.7 : 0;
        return new DjlCase(kind, sigmoid ? Activation.SIGMOID : Activation.SOFTMAX, classes, shape,
                logits(random, shape), dense, denseTarget, labelMap, labelShape,
                LABEL_TYPES[random.nextInt(LABEL_TYPES.length)], ignore, background, random.nextBoolean(),
                random.nextBoolean() ? Reduction.MEAN : Reduction.SUM, smooths[random.nextInt(3)],
                smooths[random.nextInt(3)], random.nextBoolean() ? Variant.DICE : Variant.JACCARD,
                random.nextInt(4) == 0, random.nextBoolean() ? 1 : 0.5, lambdaCe);
    }

    /** (N, C, spatial…) with 1 to 3 spatial axes of 1 to 6 voxels. */
    private static long[] shape(SplittableRandom random, int classes) {
        long[] shape = new long[3 + random.nextInt(3)];
        shape[0] = 1 + random.nextInt(3);
        shape[1] = classes;
        for (int axis = 2; axis < shape.length; axis++) {
            shape[axis] = 1 + random.nextInt(6);
        }
        return shape;
    }

    private static float[] logits(SplittableRandom random, long[] shape) {
        float[] logits = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 2);
        }
        return logits;
    }

    /** 0/1 or soft values; for a softmax one-hot target, one class per voxel (or soft rows summing to 1). */
    private static float[] denseTarget(SplittableRandom random, long[] shape, int classes, long voxels,
            boolean oneHot) {
        float[] target = new float[Math.toIntExact(shape[0] * classes * voxels)];
        boolean soft = random.nextBoolean();
        for (int n = 0; n < shape[0]; n++) {
            for (int v = 0; v < voxels; v++) {
                int hot = random.nextInt(classes);
                double rest = 1;
                for (int c = 0; c < classes; c++) {
                    int at = Math.toIntExact((n * classes + c) * voxels + v);
                    if (!oneHot) {
                        target[at] = soft ? (float) random.nextDouble() : random.nextInt(2);
                    } else if (soft) {
                        float share = c == classes - 1 ? (float) rest : (float) (rest * random.nextDouble());
                        target[at] = share;
                        rest -= share;
                    } else {
                        target[at] = c == hot ? 1 : 0;
                    }
                }
            }
        }
        return target;
    }

    private static long[] labelMap(SplittableRandom random, int length, int classes, OptionalLong ignore) {
        long[] labels = new long[length];
        int values = Math.max(classes, 2);
        for (int i = 0; i < length; i++) {
            labels[i] = ignore.isPresent() && random.nextInt(5) == 0 ? ignore.getAsLong() : random.nextInt(values);
        }
        return labels;
    }

    /** (N, spatial…), or (N, 1, spatial…) when {@code channelAxis}. */
    private static long[] labelShape(long[] shape, boolean channelAxis) {
        if (channelAxis) {
            long[] labels = shape.clone();
            labels[1] = 1;
            return labels;
        }
        long[] labels = new long[shape.length - 1];
        labels[0] = shape[0];
        System.arraycopy(shape, 2, labels, 1, shape.length - 2);
        return labels;
    }

    /** The dice4j loss of this configuration. */
    DiceLoss loss() {
        DiceLoss.Builder builder = DiceLoss.builder().activation(activation).includeBackground(includeBackground)
                .batch(batch).reduction(reduction).smoothNumerator(smoothNumerator)
                .smoothDenominator(smoothDenominator).variant(variant).squared(squared).lambdaDice(lambdaDice)
                .lambdaCrossEntropy(lambdaCrossEntropy);
        ignoreIndex.ifPresent(builder::ignoreIndex);
        return builder.build();
    }

    /** The logits as a float32 array of {@code manager}. */
    NDArray logits(NDManager manager) {
        return manager.create(logits, new Shape(shape));
    }

    /** The labels as an array of {@code manager}: float32 dense, or the label map in its type. */
    NDArray labels(NDManager manager) {
        if (dense) {
            return manager.create(denseTarget, new Shape(labelShape));
        }
        return manager.create(labelMap, new Shape(labelShape)).toType(labelType, false);
    }

    @Override
    public String toString() {
        return kind + " " + activation + " C=" + classes + " shape " + Arrays.toString(shape) + (dense ? " dense"
                : " labels " + labelType + " " + Arrays.toString(labelShape) + " ignore " + ignoreIndex)
                + " background " + includeBackground + " batch " + batch + " " + reduction + " smooth "
                + smoothNumerator + "/" + smoothDenominator + " " + variant + " squared " + squared + " λ "
                + lambdaDice + "/" + lambdaCrossEntropy;
    }
}
