package org.dice4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.evaluator.Evaluator;
import java.util.Arrays;
import java.util.Objects;
import org.dice4j.DiceMetric;
import org.dice4j.InvalidArgumentException;
import org.dice4j.MetricReduction;
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
        // MEAN: the mean over the classes of each image, then over the images (the value reported).
        this.metric = Objects.requireNonNull(metric, "metric").toBuilder().reduction(MetricReduction.MEAN).build();
        this.iou = iou;
    }

    /**
     * The hard Dice of {@code metric}, named "dice".
     *
     * @param metric the metric's options (its reduction is not used: the evaluator reports MEAN)
     * @return the evaluator
     */
    public static DjlDiceEvaluator dice(DiceMetric metric) {
        return new DjlDiceEvaluator("dice", metric, false);
    }

    /**
     * The hard IoU of {@code metric}, named "iou".
     *
     * @param metric the metric's options (its reduction is not used: the evaluator reports MEAN)
     * @return the evaluator
     */
    public static DjlDiceEvaluator iou(DiceMetric metric) {
        return new DjlDiceEvaluator("iou", metric, true);
    }

    /**
     * The hard Dice or IoU of {@code metric}, under {@code name}.
     *
     * @param name the name in DJL's training logs
     * @param metric the metric's options (its reduction is not used: the evaluator reports MEAN)
     * @param iou IoU when true, Dice when false
     * @return the evaluator
     */
    public static DjlDiceEvaluator of(String name, DiceMetric metric, boolean iou) {
        return new DjlDiceEvaluator(name, metric, iou);
    }

    /**
     * The batch's mean over images of the mean over classes (a float32 scalar; NaN when no class of any image is
     * present in the target).
     *
     * @param labels the target, first array of the list
     * @param predictions scores or a label map, first array of the list
     * @return a float32 scalar of the predictions' manager
     * @throws IllegalArgumentException for arrays of another type, device or shape, or a label out of range
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        MetricResult result = compute(labels, predictions);
        return NDArrayViews.head(predictions, "predictions").getManager().create((float) mean(result));
    }

    private MetricResult compute(NDList labels, NDList predictions) {
        NDArray prediction = NDArrayViews.head(predictions, "predictions");
        NDArray target = NDArrayViews.head(labels, "labels");
        try {
            return metric.compute(NDArrayViews.scoresOrLabels(prediction, "predictions"),
                    NDArrayViews.scoresOrLabels(target, "labels"));
        } catch (InvalidArgumentException e) {
            throw NDArrayViews.inDjlTerms(e);
        }
    }

    /** The MEAN Dice or IoU of the batch. */
    private double mean(MetricResult result) {
        return (iou ? result.reducedIou() : result.reducedDice())[0];
    }

    /** The images of the batch that have a mean: those with at least one class present in the target. */
    private static int imagesWithAClass(double[][] matrix) {
        int counted = 0;
        for (double[] image : matrix) {
            counted += Arrays.stream(image).allMatch(Double::isNaN) ? 0 : 1;
        }
        return counted;
    }

    @Override
    public void addAccumulator(String key) {
        accumulators.reset(key);
    }

    /** Adds the batch's images to each accumulator of {@code keys} (one counting pass for all of them). */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        MetricResult result = compute(labels, predictions);
        int images = imagesWithAClass(iou ? result.iou() : result.dice());
        accumulators.add(keys, images == 0 ? 0 : mean(result) * images, images);
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
