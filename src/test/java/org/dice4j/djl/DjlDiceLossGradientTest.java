package org.dice4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.dice4j.testing.Examples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter's gradient, taken by DJL's autograd through the array it returns, equals DJL's autograd of the same
 * loss written in NDArray operations (float64, {@link NDArrayDiceReference}) within 1e-5 of the largest element, on
 * random problems over every kind of {@link DjlCase}; the loss values agree within float32 rounding (the adapter
 * returns a float32 scalar; dice4j's float32 sums of these few voxels add a few ulp at most): 1e-6 relative.
 */
class DjlDiceLossGradientTest {
    private static final double GRADIENT_OF_LARGEST = 1e-5;
    private static final double LOSS_RELATIVE = 1e-6;
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void theGradientThroughTheAdapterIsTheAutogradOfTheSameLoss() {
        qt().withExamples(Examples.scaled(1, 3)).forAll(longs().all())
                .checkAssert(seed -> check(DjlCase.random(new SplittableRandom(seed))));
    }

    /** Dice + cross-entropy where every voxel is ignored (M = 0): the cross-entropy is 0 with gradient 0. */
    @Test
    void aBatchWhoseVoxelsAreAllIgnoredAgrees() {
        check(DjlCase.random(new SplittableRandom(-157810L)));
    }

    private static void check(DjlCase c) {
        try (NDManager step = manager.newSubManager()) {
            DjlDiceLoss adapter = new DjlDiceLoss(c.loss());
            Differentiated ours = differentiate(step, c, DataType.FLOAT32,
                    (y, z) -> adapter.evaluate(new NDList(y), new NDList(z)));
            Differentiated theirs = differentiate(step, c, DataType.FLOAT64,
                    (y, z) -> NDArrayDiceReference.loss(c, z, y));
            double largest = 0;
            double difference = 0;
            for (int i = 0; i < ours.gradient.length; i++) {
                largest = Math.max(largest, Math.abs(theirs.gradient[i]));
                difference = Math.max(difference, Math.abs(ours.gradient[i] - theirs.gradient[i]));
            }
            if (!(difference <= GRADIENT_OF_LARGEST * largest)) {
                throw new AssertionError("gradient off by " + difference + " of largest " + largest + ": " + c);
            }
            double expected = theirs.loss;
            if (!(Math.abs(ours.loss - expected) <= LOSS_RELATIVE * Math.abs(expected) + 1e-12)) {
                throw new AssertionError("loss " + ours.loss + ", expected " + expected + ": " + c);
            }
        }
    }

    /**
     * The loss of {@code c} by {@code loss}, and its gradient with respect to the logits (a leaf of {@code type}: DJL's
     * {@code toType} is not differentiable) by DJL's autograd.
     */
    private static Differentiated differentiate(NDManager step, DjlCase c, DataType type,
            BiFunction<NDArray, NDArray, NDArray> loss) {
        NDArray z = c.logits(step).toType(type, false);
        NDArray y = c.labels(step);
        z.setRequiresGradient(true);
        double value;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray l = loss.apply(y, z);
            assertEquals(0, l.getShape().dimension(), "a scalar loss");
            value = l.toType(DataType.FLOAT64, false).getDouble();
            collector.backward(l);
        }
        return new Differentiated(value, z.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
    }

    private record Differentiated(double loss, double[] gradient) {}
}
