package org.dice4j;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable view of a dense, row-major tensor stored in a {@link MemorySegment}: element type, shape and
 * layout. The segment may be off-heap, memory-mapped, read-only, or a wrapped Java array; it must hold at least
 * {@code elementCount() * dtype.byteSize()} bytes, which are read from its start in native byte order. No
 * alignment is required. A view never copies data.
 */
public final class Tensor {
    private final MemorySegment segment;
    private final DType dtype;
    private final long[] shape;
    private final Layout layout;
    private final long elementCount;

    private Tensor(MemorySegment segment, DType dtype, long[] shape, Layout layout) {
        this.segment = segment;
        this.dtype = dtype;
        this.shape = shape;
        this.layout = layout;
        this.elementCount = checkedElementCount(shape, dtype);
        long needed = elementCount * dtype.byteSize();
        if (segment.byteSize() < needed) {
            throw new IllegalArgumentException("segment too small for a " + dtype + " tensor of shape "
                    + Arrays.toString(shape) + ": expected at least " + needed + " bytes, got " + segment.byteSize());
        }
    }

    /** A tensor over {@code segment}, channels-first. */
    public static Tensor of(MemorySegment segment, DType dtype, long... shape) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(dtype, "dtype");
        return new Tensor(segment, dtype, copyShape(shape), Layout.CHANNELS_FIRST);
    }

    /** A float32 tensor over a Java array (no copy). */
    public static Tensor of(float[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.FLOAT32, shape);
    }

    /** A uint8 label map over a Java array (no copy): bytes are read as unsigned values 0..255. */
    public static Tensor ofUint8(byte[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.UINT8, shape);
    }

    /** An int32 label map over a Java array (no copy). */
    public static Tensor of(int[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.INT32, shape);
    }

    /** An int64 label map over a Java array (no copy). */
    public static Tensor of(long[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.INT64, shape);
    }

    /** The same data and shape with another layout. */
    public Tensor withLayout(Layout newLayout) {
        return new Tensor(segment, dtype, shape, Objects.requireNonNull(newLayout, "layout"));
    }

    public MemorySegment segment() {
        return segment;
    }

    public DType dtype() {
        return dtype;
    }

    public Layout layout() {
        return layout;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The shape itself, not copied: for the library's own checks, which never modify it. */
    long[] shapeArray() {
        return shape;
    }

    public int rank() {
        return shape.length;
    }

    public long size(int axis) {
        return shape[axis];
    }

    public long elementCount() {
        return elementCount;
    }

    /** Bytes the tensor occupies at the start of its segment. */
    public long byteSize() {
        return elementCount * dtype.byteSize();
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + " " + layout + "]";
    }

    private static long[] copyShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape: expected at least one axis, got none");
        }
        long[] copy = shape.clone();
        for (int axis = 0; axis < copy.length; axis++) {
            if (copy[axis] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(copy) + ": axis " + axis
                        + " has negative size " + copy[axis]);
            }
        }
        return copy;
    }

    private static long checkedElementCount(long[] shape, DType dtype) {
        // An empty axis makes the tensor empty, however large the others (their product may not fit a long).
        if (Arrays.stream(shape).anyMatch(size -> size == 0)) {
            return 0;
        }
        long count = 1;
        try {
            for (long size : shape) {
                count = Math.multiplyExact(count, size);
            }
            Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": byte size of a " + dtype
                    + " tensor overflows a long");
        }
        return count;
    }
}
