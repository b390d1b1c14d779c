package org.dice4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.foreign.MemorySegment;
import org.dice4j.DiceLoss;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Reduction;
import org.dice4j.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the adapter accepts and refuses: bad dtypes, shapes and labels are an IllegalArgumentException naming the
 * array, thrown before anything is written (no gradient, no array left behind); contiguous arrays are read in place,
 * non-contiguous ones through the engine's copy with the same result; outside a collector only the value is computed;
 * the training accumulators average the batches' values.
 */
class DjlDiceLossInputTest {
    private static final Shape LOGITS = new Shape(2, 3, 4, 5);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray logits() {
        return manager.randomNormal(LOGITS);
    }

    /** Labels 0..2 of shape (2, 4, 5) as {@code type}. */
    private NDArray labels(DataType type) {
        return manager.arange(40).reshape(2, 4, 5).toType(DataType.INT32, false).mod(3).toType(type, false);
    }

    private static DjlDiceLoss multiClass() {
        return new DjlDiceLoss(DiceLoss.multiClass());
    }

    /**
     * The message of the InvalidArgumentException that {@code evaluate} throws (naming the DJL argument), checked to
     * leave nothing behind.
     */
    @SuppressWarnings("try") // the collector records; the body does not name it
    private String refusal(NDArray labels, NDArray predictions) {
        predictions.setRequiresGradient(true);
        int arrays = manager.getManagedArrays().size();
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> multiClass().evaluate(new NDList(labels), new NDList(predictions)));
            assertTrue(e.parameter().equals("labels") || e.parameter().equals("predictions"), e.getMessage());
            assertEquals(arrays, manager.getManagedArrays().size(), "arrays left behind by a refused call");
            assertFalse(predictions.getGradient().abs().sum().getFloat() != 0, "a gradient was written");
            return e.getMessage();
        }
    }

    @Test
    void logitsOfAnotherTypeAreRefusedByName() {
        String message = refusal(labels(DataType.UINT8), logits().toType(DataType.FLOAT64, false));
        assertTrue(message.startsWith("predictions: expected float32 logits, got float64"), message);
    }

    @Test
    void labelsOfAnotherTypeAreRefusedByName() {
        String message = refusal(labels(DataType.INT8), logits());
        assertTrue(message.startsWith("labels: expected float32 or a uint8, int32 or int64 label map, got int8"),
                message);
    }

    @Test
    void floatClassIndicesAreRefusedWithTheConversion() {
        String message = refusal(labels(DataType.FLOAT32), logits());
        assertTrue(message.contains("a float32 target is dense and needs the predictions' shape (2, 3, 4, 5)")
                && message.contains("toType(DataType.INT32, false)"), message);
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        String spatial = refusal(labels(DataType.UINT8).reshape(2, 5, 4), logits());
        assertTrue(spatial.startsWith("labels: ") && spatial.contains("[2, 5, 4]"), spatial);
        String images = refusal(labels(DataType.UINT8).reshape(1, 8, 5), logits());
        assertTrue(images.startsWith("labels: ") && images.contains("[1, 8, 5]"), images);
        assertTrue(refusal(labels(DataType.UINT8), manager.randomNormal(new Shape(2, 3)))
                .startsWith("predictions: expected logits of shape (N, C, spatial…), got (2, 3)"));
    }

    @Test
    void aLabelThatIsNeitherAClassNorIgnoredIsRefusedBeforeAnythingIsWritten() {
        NDArray labels = labels(DataType.INT64).add(1);
        String message = refusal(labels, logits());
        assertTrue(message.startsWith("labels: label 3 at image 0, voxel 2"), message);
    }

    @Test
    void anArrayOfTwoGibibytesIsRefusedBeforeItIsRead() {
        // Uninitialized (torch's empty): its pages are never touched.
        NDArray huge = manager.create(new Shape(1, 2, 1 << 28), DataType.FLOAT32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NDArrayViews.logits(huge));
        assertEquals("predictions: expected less than 2 GiB (a ByteBuffer's limit), got 2147483648 bytes of shape"
                + " (1, 2, 268435456)", e.getMessage());
    }

    @Test
    void reductionNoneIsRefused() {
        DiceLoss none = DiceLoss.builder().reduction(Reduction.NONE).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DjlDiceLoss(none));
        assertEquals("loss: expected reduction MEAN or SUM (a DJL loss is one number), got NONE", e.getMessage());
    }

    @Test
    void aContiguousArrayIsReadInPlace() {
        NDArray z = logits();
        long address = MemorySegment.ofBuffer(z.toByteBuffer(true)).address();
        Tensor view = NDArrayViews.logits(z);
        assertEquals(address, view.segment().address());
        assertArrayEquals(LOGITS.getShape(), view.shape());
    }

    @Test
    void aNonContiguousArrayGivesTheSameLossAndGradientThroughACopy() {
        NDArray channelsLast = manager.randomNormal(new Shape(2, 4, 5, 3));
        NDArray contiguous = channelsLast.transpose(0, 3, 1, 2).duplicate();
        channelsLast.setRequiresGradient(true);
        contiguous.setRequiresGradient(true);
        NDArray y = labels(DataType.UINT8);
        float viaCopy;
        float direct;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray strided = channelsLast.transpose(0, 3, 1, 2);
            assertNotEquals(MemorySegment.ofBuffer(channelsLast.toByteBuffer(true)).address(),
                    NDArrayViews.logits(strided).segment().address(), "a non-contiguous array is copied");
            NDArray loss = multiClass().evaluate(new NDList(y), new NDList(strided));
            viaCopy = loss.getFloat();
            collector.backward(loss);
        }
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = multiClass().evaluate(new NDList(y), new NDList(contiguous));
            direct = loss.getFloat();
            collector.backward(loss);
        }
        assertEquals(direct, viaCopy);
        assertArrayEquals(contiguous.getGradient().toFloatArray(),
                channelsLast.getGradient().transpose(0, 3, 1, 2).toFloatArray());
    }

    @Test
    void outsideACollectorTheValueIsDiceLossesValue() {
        NDArray z = logits();
        NDArray y = labels(DataType.UINT8);
        NDArray value = multiClass().evaluate(new NDList(y), new NDList(z));
        double expected = DiceLoss.multiClass().lossValue(NDArrayViews.logits(z), NDArrayViews.target(y, z));
        assertEquals((float) expected, value.getFloat());
        assertEquals(0, value.getShape().dimension());
    }

    @Test
    void theAccumulatorsAverageTheBatchesValues() {
        DjlDiceLoss loss = multiClass();
        loss.addAccumulator("epoch");
        assertTrue(Float.isNaN(loss.getAccumulator("epoch")));
        NDArray first = logits();
        NDArray second = logits();
        NDArray y = labels(DataType.UINT8);
        loss.updateAccumulators(new String[] {"epoch"}, new NDList(y), new NDList(first));
        loss.updateAccumulator("epoch", new NDList(y), new NDList(second));
        double expected = (loss.evaluate(new NDList(y), new NDList(first)).getFloat()
                + loss.evaluate(new NDList(y), new NDList(second)).getFloat()) / 2;
        assertEquals(expected, loss.getAccumulator("epoch"), 1e-6);
        loss.resetAccumulator("epoch");
        assertTrue(Float.isNaN(loss.getAccumulator("epoch")));
        assertThrows(IllegalArgumentException.class, () -> loss.getAccumulator("validate"));
    }
}
