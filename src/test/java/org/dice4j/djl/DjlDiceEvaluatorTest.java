package org.dice4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dice4j.DiceMetric;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The evaluator reports DiceMetric's MEAN (over the classes of each image, then over the images) of the batch, and
 * its accumulators the same mean over every image of the batches seen: two batches accumulate to the value of their
 * concatenation.
 */
class DjlDiceEvaluatorTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        Engine.getEngine("PyTorch").setRandomSeed(7);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Labels 0..3 of shape (n, 6, 7), drawn so that some images lack some classes. */
    private NDArray labels(int images) {
        return manager.randomInteger(0, 4, new Shape(images, 6, 7), DataType.INT32).toType(DataType.UINT8, false);
    }

    @Test
    void theBatchValueIsTheMetricsMean() {
        DiceMetric metric = DiceMetric.builder().includeBackground(false).build();
        NDArray scores = manager.randomNormal(new Shape(3, 4, 6, 7));
        NDArray labels = labels(3);
        MetricResult expected = metric.compute(Tensor.of(scores.toFloatArray(), 3, 4, 6, 7),
                Tensor.ofUint8(labels.toByteArray(), 3, 6, 7));
        NDList y = new NDList(labels);
        NDList z = new NDList(scores);
        assertEquals((float) expected.reducedDice()[0], DjlDiceEvaluator.dice(metric).evaluate(y, z).getFloat());
        assertEquals((float) expected.reducedIou()[0], DjlDiceEvaluator.iou(metric).evaluate(y, z).getFloat());
    }

    @Test
    void twoBatchesAccumulateToTheirConcatenation() {
        DjlDiceEvaluator evaluator = DjlDiceEvaluator.of("hard_dice", DiceMetric.builder().build(), false);
        assertEquals("hard_dice", evaluator.getName());
        evaluator.addAccumulator("epoch");
        assertTrue(Float.isNaN(evaluator.getAccumulator("epoch")));
        NDArray first = manager.randomNormal(new Shape(2, 4, 6, 7));
        NDArray second = manager.randomNormal(new Shape(3, 4, 6, 7));
        NDArray firstLabels = labels(2);
        NDArray secondLabels = labels(3);
        evaluator.updateAccumulators(new String[] {"epoch"}, new NDList(firstLabels), new NDList(first));
        evaluator.updateAccumulator("epoch", new NDList(secondLabels), new NDList(second));
        float whole = evaluator.evaluate(new NDList(NDArrays.concat(new NDList(firstLabels, secondLabels))),
                new NDList(NDArrays.concat(new NDList(first, second)))).getFloat();
        assertEquals(whole, evaluator.getAccumulator("epoch"), 1e-6);
        evaluator.resetAccumulator("epoch");
        assertTrue(Float.isNaN(evaluator.getAccumulator("epoch")));
        assertThrows(IllegalArgumentException.class, () -> evaluator.getAccumulator("validate"));
    }

    @Test
    void anImageWithNoClassPresentCountsInNoMean() {
        DjlDiceEvaluator evaluator = DjlDiceEvaluator.dice(DiceMetric.builder().includeBackground(false).build());
        evaluator.addAccumulator("epoch");
        NDArray scores = manager.randomNormal(new Shape(1, 4, 6, 7));
        NDArray labels = labels(1);
        NDArray background = manager.zeros(new Shape(1, 6, 7), DataType.UINT8);
        float withClasses = evaluator.evaluate(new NDList(labels), new NDList(scores)).getFloat();
        assertTrue(Float.isNaN(evaluator.evaluate(new NDList(background), new NDList(scores)).getFloat()));
        evaluator.updateAccumulator("epoch", new NDList(labels), new NDList(scores));
        evaluator.updateAccumulator("epoch", new NDList(background), new NDList(scores));
        assertEquals(withClasses, evaluator.getAccumulator("epoch"), 1e-7);
    }

    @Test
    void labelMapPredictionsAndBadTypesAreNamed() {
        DjlDiceEvaluator evaluator = DjlDiceEvaluator.dice(DiceMetric.builder().numClasses(4).build());
        NDArray labels = labels(2);
        assertEquals(1f, evaluator.evaluate(new NDList(labels), new NDList(labels)).getFloat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(
                new NDList(labels), new NDList(labels.toType(DataType.FLOAT64, false))));
        assertTrue(e.getMessage().startsWith("predictions: expected float32 or a uint8, int32 or int64 label map,"
                + " got float64"), e.getMessage());
    }
}
