package org.dice4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.evaluator.Evaluator;
import java.util.Objects;
import org.dice4j.DiceMetric;
import org.dice4j.MetricResult;

/**
 * A DJL {@link Evaluator} of the hard Dice or IoU metric ({@link DiceMetric}), so that DJL's training logs show it:
 * predictions are made hard as the metric says (argmax over channels, or a threshold per channel with a sigmoid),
 * then per (image, class) {@code 2|A∩B|/(|A| + |B|)} or {@code |A∩B|/|A∪B|}. The value reported is the mean over the
 * classes of each image, then over the images (classes absent from an image's target are skipped, as the metric's
 * MEAN does); the accumulators average the images of every batch seen, so an epoch's value is that mean over all its
 * images. Predictions: float32 scores {@code (N, C, spatial…)} or an integer label map; labels as for
 * {@link DjlDiceLoss}. Arrays are read in place as DjlDiceLoss reads them.
 */
// DJL's types are its API, read by the modules that use it (they require ai.djl.api: dice4j's is a static requires).
@SuppressWarnings("exports")
public final class DjlDiceEvaluator extends Evaluator {
    private final DiceMetric metric;
    private final boolean iou;
    private final Accumulators accumulators = new Accumulators();

    private DjlDiceEvaluator(String name, DiceMetric metric, boolean iou) {
        super(Objects.requireNonNull(name, "name"));
        this.metric = Objects.requireNonNull(metric, "metric");
        this.iou = iou;
    }

    /** The hard Dice of {@code metric}, named "dice". */
    public static DjlDiceEvaluator dice(DiceMetric metric) {
        return new DjlDiceEvaluator("dice", metric, false);
    }

    /** The hard IoU of {@code metric}, named "iou". */
    public static DjlDiceEvaluator iou(DiceMetric metric) {
        return new DjlDiceEvaluator("iou", metric, true);
    }

    /** The hard Dice ({@code iou} false) or IoU of {@code metric}, under {@code name}. */
    public static DjlDiceEvaluator of(String name, DiceMetric metric, boolean iou) {
        return new DjlDiceEvaluator(name, metric, iou);
    }

    /**
     * The batch's mean over images of the mean over classes (a float32 scalar; NaN when no class of any image is
     * present in the target).
     *
     * @throws IllegalArgumentException for arrays of another type, device or shape, or a label out of range
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray prediction = NDArrayViews.head(predictions, "predictions");
        double[] sum = imageMeans(labels, predictions);
        return prediction.getManager().create((float) (sum[0] / sum[1]));
    }

    /** The sum of the per-image means over the images that have one, and their count. */
    private double[] imageMeans(NDList labels, NDList predictions) {
        NDArray prediction = NDArrayViews.head(predictions, "predictions");
        NDArray target = NDArrayViews.head(labels, "labels");
        MetricResult result = metric.compute(NDArrayViews.scoresOrLabels(prediction, "predictions"),
                NDArrayViews.scoresOrLabels(target, "labels"));
        double[] sum = new double[2];
        for (double[] image : iou ? result.iou() : result.dice()) {
            double mean = nanMean(image);
            if (!Double.isNaN(mean)) {
                sum[0] += mean;
                sum[1]++;
            }
        }
        return sum;
    }

    private static double nanMean(double[] values) {
        double sum = 0;
        int count = 0;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                sum += value;
                count++;
            }
        }
        return sum / count;
    }

    @Override
    public void addAccumulator(String key) {
        accumulators.reset(key);
    }

    /** Adds the batch's images to each accumulator of {@code keys} (one counting pass for all of them). */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        double[] batch = imageMeans(labels, predictions);
        accumulators.add(keys, batch[0], batch[1]);
    }

    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        updateAccumulators(new String[] {key}, labels, predictions);
    }

    @Override
    public void resetAccumulator(String key) {
        accumulators.reset(key);
    }

    /** The mean over the images accumulated under {@code key}; NaN before the first. */
    @Override
    public float getAccumulator(String key) {
        return accumulators.mean(key);
    }
}
