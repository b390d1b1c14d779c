package org.dice4j.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dice4j.DType;
import org.dice4j.Tensor;

/**
 * A NIfTI volume's voxels as a tensor for the role its file plays, in C order (the NIfTI dims reversed: x, the
 * fastest axis in the file, is the last). A label map keeps its values: uint8, int32 and int64 as they are, the
 * narrower or unsigned types widened to int32 or int64, real types accepted when every voxel is a whole number, and
 * refused when its scaling ({@code scl_slope}, {@code scl_inter}) would change a label. Scores are the scaled
 * values as float32 (float32 without scaling as it is).
 */
final class NiftiVoxels {
    private NiftiVoxels() {}

    /** The C-order shape: NIfTI's dims reversed. */
    static long[] shape(NiftiHeader header) {
        long[] dims = header.dims();
        long[] shape = new long[dims.length];
        for (int axis = 0; axis < dims.length; axis++) {
            shape[axis] = dims[dims.length - 1 - axis];
        }
        return shape;
    }

    /** The voxels as an integer label map. */
    static Tensor labels(NiftiFile file, Arena arena) {
        NiftiHeader header = file.header();
        MemorySegment data = file.data();
        long count = data.byteSize() / header.datatype().byteSize();
        if (!header.unscaled()) {
            checkScalingKeepsLabels(file, count);
        }
        return switch (header.datatype()) {
            case UINT8 -> Tensor.of(data, DType.UINT8, shape(header));
            case INT32 -> Tensor.of(data, DType.INT32, shape(header));
            case INT64 -> Tensor.of(data, DType.INT64, shape(header));
            case UINT32 -> widened(file, arena, DType.INT64, count);
            case INT8, INT16, UINT16 -> widened(file, arena, DType.INT32, count);
            case FLOAT32, FLOAT64 -> wholeNumbers(file, arena, count);
        };
    }

    /** The voxels as float32 scores, scaled. */
    static Tensor scores(NiftiFile file, Arena arena) {
        NiftiHeader header = file.header();
        long count = file.data().byteSize() / header.datatype().byteSize();
        if (header.datatype() == NiftiDatatype.FLOAT32 && header.unscaled()) {
            return Tensor.of(file.data(), DType.FLOAT32, shape(header));
        }
        MemorySegment scores = arena.allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) {
            scores.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (value(file, i) * header.slope() + header.intercept()));
        }
        return Tensor.of(scores, DType.FLOAT32, shape(header));
    }

    private static void checkScalingKeepsLabels(NiftiFile file, long count) {
        NiftiHeader header = file.header();
        for (long i = 0; i < count; i++) {
            double raw = value(file, i);
            if (raw * header.slope() + header.intercept() != raw) {
                throw new IllegalArgumentException(file.path() + ": scl_slope " + header.slope() + " and scl_inter "
                        + header.intercept() + " would change its label " + raw + " (voxel " + i + "): a label map"
                        + " must be stored unscaled");
            }
        }
    }

    private static Tensor widened(NiftiFile file, Arena arena, DType dtype, long count) {
        MemorySegment labels = arena.allocate(count * dtype.byteSize(), 64);
        for (long i = 0; i < count; i++) {
            long label = (long) value(file, i);
            if (dtype == DType.INT32) {
                labels.setAtIndex(ValueLayout.JAVA_INT, i, (int) label);
            } else {
                labels.setAtIndex(ValueLayout.JAVA_LONG, i, label);
            }
        }
        return Tensor.of(labels, dtype, shape(file.header()));
    }

    private static Tensor wholeNumbers(NiftiFile file, Arena arena, long count) {
        MemorySegment labels = arena.allocate(count * Integer.BYTES, 64);
        for (long i = 0; i < count; i++) {
            double value = value(file, i);
            if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file.path() + ": a label map of " + file.header().datatype()
                        + " must hold whole numbers, voxel " + i + " holds " + value);
            }
            labels.setAtIndex(ValueLayout.JAVA_INT, i, (int) value);
        }
        return Tensor.of(labels, DType.INT32, shape(file.header()));
    }

    /** Voxel {@code i} as the file stores it (unscaled), exactly: every supported type fits a double but int64. */
    static double value(NiftiFile file, long i) {
        MemorySegment data = file.data();
        return switch (file.header().datatype()) {
            case UINT8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case INT16 -> data.getAtIndex(ValueLayout.JAVA_SHORT, i);
            case UINT16 -> Short.toUnsignedInt(data.getAtIndex(ValueLayout.JAVA_SHORT, i));
            case INT32 -> data.getAtIndex(ValueLayout.JAVA_INT, i);
            case UINT32 -> Integer.toUnsignedLong(data.getAtIndex(ValueLayout.JAVA_INT, i));
            case INT64 -> data.getAtIndex(ValueLayout.JAVA_LONG, i);
            case FLOAT32 -> data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case FLOAT64 -> data.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        };
    }
}
