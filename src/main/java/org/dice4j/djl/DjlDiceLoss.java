package org.dice4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import java.util.Objects;
import org.dice4j.DiceLoss;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Reduction;
import org.dice4j.Tensor;

/**
 * A DJL {@link Loss} computed by a {@link DiceLoss}: any of its configurations (binary, multi-label or multi-class,
 * dense or label-map targets, ignore index, Dice + cross-entropy, MEAN or SUM), with dice4j's exact gradient.
 *
 * <p>{@link #evaluate} takes the labels and the predictions (logits, float32 {@code (N, C, spatial…)}, the first
 * array of each list) and returns a scalar NDArray whose value is the loss and through which DJL's
 * {@code GradientCollector} propagates exactly dice4j's gradient G into the predictions: the returned array is
 * {@code L + (s − stopGradient(s))} with {@code s = dot(flatten(z), flatten(G))} and G held constant. Its value is
 * L exactly (the difference is an exact zero) and its gradient with respect to z is G. What that costs in DJL: G
 * itself (one uninitialized float32 array of the predictions' shape, filled by dice4j in place), one dot product
 * reading z and G (no temporary), and in the backward one multiplication writing G into z's gradient. DJL's API
 * cannot tell whether a collector records the call, so {@code evaluate} always computes G; DJL's validation goes
 * through the accumulators, which run the forward alone.
 *
 * <p>Labels: float32 of the predictions' shape (one-hot or soft), or an integer label map (uint8, int32, int64) of
 * shape {@code (N, spatial…)} or {@code (N, 1, spatial…)}. Arrays must be on the CPU and under 2 GiB each;
 * contiguous ones are read in place (no copy), a non-contiguous one is made contiguous by the engine first (one
 * copy). Needs the PyTorch engine, whose arrays expose their memory. Bad input (dtype, device, shape, a label that is
 * neither a class nor the ignore index) is an {@link InvalidArgumentException} naming {@code predictions} or
 * {@code labels}, thrown before anything is written: no gradient reaches the predictions and the array made for G is
 * closed.
 *
 * <p>The training accumulators ({@link #updateAccumulators}) compute the loss value alone (no gradient pass) and
 * report the mean over the batches seen. Thread-safe as DiceLoss is; the arrays it returns belong to the predictions'
 * manager.
 */
// DJL's types are its API, read by the modules that use it (they require ai.djl.api: dice4j's is a static requires).
@SuppressWarnings("exports")
public final class DjlDiceLoss extends Loss {
    private final DiceLoss loss;
    private final Accumulators accumulators = new Accumulators();

    /**
     * The loss {@code loss} named "dice_loss" in DJL's training logs.
     *
     * @param loss the dice4j loss, of reduction MEAN or SUM
     * @throws IllegalArgumentException for a loss of reduction NONE (a DJL loss is one number)
     */
    public DjlDiceLoss(DiceLoss loss) {
        this("dice_loss", loss);
    }

    /**
     * The loss {@code loss} under {@code name}.
     *
     * @param name the name of the loss in DJL's training logs
     * @param loss the dice4j loss, of reduction MEAN or SUM
     * @throws IllegalArgumentException for a loss of reduction NONE (a DJL loss is one number)
     */
    public DjlDiceLoss(String name, DiceLoss loss) {
        super(Objects.requireNonNull(name, "name"));
        this.loss = Objects.requireNonNull(loss, "loss");
        if (loss.reduction() == Reduction.NONE) {
            throw new InvalidArgumentException("loss", "expected reduction MEAN or SUM (a DJL loss is one number),"
                    + " got NONE");
        }
    }

    /**
     * The dice4j loss this adapter computes.
     *
     * @return the loss given to the constructor
     */
    public DiceLoss diceLoss() {
        return loss;
    }

    /**
     * The loss of {@code predictions} (logits) against {@code labels}, through which the gradient collector
     * propagates dice4j's gradient (see the class comment).
     *
     * @param labels the target, first array of the list
     * @param predictions the logits, first array of the list
     * @return a float32 scalar of the predictions' manager: the loss, with dice4j's gradient attached
     * @throws IllegalArgumentException for an array of another type, device or shape, or a label out of range
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray z = NDArrayViews.head(predictions, "predictions");
        NDArray y = NDArrayViews.head(labels, "labels");
        Tensor logits = NDArrayViews.logits(z);
        Tensor target = NDArrayViews.target(y, z);
        NDArray gradient = z.getManager().create(z.getShape(), DataType.FLOAT32);
        try {
            double value = loss.lossValueAndGradient(logits, target, NDArrayViews.writable(gradient, "gradient"));
            return straightThrough(z, gradient, value);
        } catch (RuntimeException e) {
            gradient.close();
            throw e instanceof InvalidArgumentException invalid ? NDArrayViews.inDjlTerms(invalid) : e;
        }
    }

    /** {@code value + (s − stopGradient(s))}, s = z·G: the value {@code value}, the gradient G with respect to z. */
    private static NDArray straightThrough(NDArray z, NDArray gradient, double value) {
        NDArray s = z.flatten().dot(gradient.flatten());
        return s.sub(s.stopGradient()).add((float) value);
    }

    @Override
    public void addAccumulator(String key) {
        accumulators.reset(key);
    }

    /** Adds the batch's loss value (forward only: no gradient is computed) to each accumulator of {@code keys}. */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        NDArray z = NDArrayViews.head(predictions, "predictions");
        NDArray y = NDArrayViews.head(labels, "labels");
        double value;
        try {
            value = loss.lossValue(NDArrayViews.logits(z), NDArrayViews.target(y, z));
        } catch (InvalidArgumentException e) {
            throw NDArrayViews.inDjlTerms(e);
        }
        accumulators.add(keys, value, 1);
    }

    @Override
    public void resetAccumulator(String key) {
        accumulators.reset(key);
    }

    /** The mean loss over the batches accumulated under {@code key}; NaN before the first. */
    @Override
    public float getAccumulator(String key) {
        return accumulators.mean(key);
    }

    @Override
    public String toString() {
        return "DjlDiceLoss[" + getName() + ", " + loss + "]";
    }
}
