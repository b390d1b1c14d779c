package org.dice4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.dice4j.DType;
import org.dice4j.InvalidArgumentException;
import org.dice4j.Tensor;

/**
 * dice4j {@link Tensor} views of DJL NDArrays, and the checks that come before them. A contiguous CPU array is read in
 * place: {@code toByteBuffer(true)} is a direct view of its memory on the PyTorch engine. A non-contiguous one is
 * copied to a contiguous array by the engine first (one copy, freed with the array's manager). Arrays on another
 * device, of another type, or of 2 GiB or more (a ByteBuffer's limit) are an IllegalArgumentException naming them.
 */
final class NDArrayViews {
    private NDArrayViews() {}

    /**
     * dice4j's refusal in DJL's terms: the logits are the predictions, the target (or the metric's prediction) the
     * labels (predictions); any other parameter keeps its name. The problem and the cause stay.
     */
    static InvalidArgumentException inDjlTerms(InvalidArgumentException e) {
        String parameter = switch (e.parameter()) {
            case "logits", "prediction" -> "predictions";
            case "target" -> "labels";
            default -> e.parameter();
        };
        InvalidArgumentException renamed = new InvalidArgumentException(parameter, e.problem());
        renamed.initCause(e);
        return renamed;
    }

    /** The first array of a DJL list, named for messages ("labels" or "predictions"). */
    static NDArray head(NDList list, String name) {
        if (list == null || list.isEmpty()) {
            throw new InvalidArgumentException(name, "expected an NDList holding an array, got "
                    + (list == null ? "null" : "an empty list"));
        }
        return list.head();
    }

    /** The logits view: float32 {@code (N, C, spatial…)}. */
    static Tensor logits(NDArray predictions) {
        if (predictions.getDataType() != DataType.FLOAT32) {
            throw new InvalidArgumentException("predictions", "expected float32 logits, got "
                    + predictions.getDataType() + " (convert with toType(DataType.FLOAT32, false))");
        }
        if (predictions.getShape().dimension() < 3) {
            throw new InvalidArgumentException("predictions", "expected logits of shape (N, C, spatial…), got "
                    + predictions.getShape());
        }
        return view(predictions, "predictions", DType.FLOAT32);
    }

    /**
     * The target view: float32 of the predictions' shape (dense), or an integer label map {@code (N, spatial…)} or
     * {@code (N, 1, spatial…)} (uint8, int32, int64).
     */
    static Tensor target(NDArray labels, NDArray predictions) {
        DType dtype = dtypeOf(labels, "labels");
        if (dtype == DType.FLOAT32 && !labels.getShape().equals(predictions.getShape())) {
            throw new InvalidArgumentException("labels", "a float32 target is dense and needs the predictions' shape "
                    + predictions.getShape() + ", got " + labels.getShape() + "; class indices go in an integer"
                    + " label map (toType(DataType.INT32, false) or UINT8)");
        }
        return view(labels, "labels", dtype);
    }

    /** The view of an array of float32 scores or an integer label map, for the metric. */
    static Tensor scoresOrLabels(NDArray array, String name) {
        return view(array, name, dtypeOf(array, name));
    }

    private static DType dtypeOf(NDArray array, String name) {
        return switch (array.getDataType()) {
            case FLOAT32 -> DType.FLOAT32;
            case UINT8 -> DType.UINT8;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            default -> throw new InvalidArgumentException(name, "expected float32 or a uint8, int32 or int64"
                    + " label map, got " + array.getDataType());
        };
    }

    /** A writable view of a fresh array (an uninitialized float32 array of the PyTorch engine). */
    static Tensor writable(NDArray array, String name) {
        Tensor tensor = view(array, name, DType.FLOAT32);
        if (!tensor.segment().isNative() || tensor.segment().isReadOnly()) {
            throw new InvalidArgumentException(name, "the " + array.getManager().getEngine().getEngineName()
                    + " engine gives no direct view of an array's memory; the DJL adapter needs one (PyTorch)");
        }
        return tensor;
    }

    private static Tensor view(NDArray array, String name, DType dtype) {
        if (!Device.cpu().equals(array.getDevice())) {
            throw new InvalidArgumentException(name, "expected an array on the CPU, got one on "
                    + array.getDevice() + " (dice4j runs on the CPU: move it with toDevice(Device.cpu(), false))");
        }
        long bytes = array.size() * dtype.byteSize();
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidArgumentException(name, "expected less than 2 GiB (a ByteBuffer's limit), got "
                    + bytes + " bytes of shape " + array.getShape());
        }
        ByteBuffer buffer = array.toByteBuffer(true);
        return Tensor.of(MemorySegment.ofBuffer(buffer), dtype, array.getShape().getShape());
    }
}
