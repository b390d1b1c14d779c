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

    /**
     * A tensor over {@code segment}, channels-first.
     *
     * @param segment the bytes, read from offset 0 in native byte order (not copied)
     * @param dtype the element type
     * @param shape the size of each axis (at least one axis, sizes ≥ 0; copied)
     * @return the view
     * @throws IllegalArgumentException for no axis, a negative size, a byte size that overflows a long, or a segment
     *     smaller than the tensor
     * @throws NullPointerException for a null argument
     */
    public static Tensor of(MemorySegment segment, DType dtype, long... shape) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(dtype, "dtype");
        return new Tensor(segment, dtype, copyShape(shape), Layout.CHANNELS_FIRST);
    }

    /**
     * A float32 tensor over a Java array (no copy).
     *
     * @param data the elements, row-major
     * @param shape the size of each axis
     * @return the view
     * @throws IllegalArgumentException as {@link #of(MemorySegment, DType, long...)}
     * @throws NullPointerException for a null argument
     */
    public static Tensor of(float[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.FLOAT32, shape);
    }

    /**
     * A uint8 label map over a Java array (no copy): bytes are read as unsigned values 0..255.
     *
     * @param data the labels, row-major
     * @param shape the size of each axis
     * @return the view
     * @throws IllegalArgumentException as {@link #of(MemorySegment, DType, long...)}
     * @throws NullPointerException for a null argument
     */
    public static Tensor ofUint8(byte[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.UINT8, shape);
    }

    /**
     * An int32 label map over a Java array (no copy).
     *
     * @param data the labels, row-major
     * @param shape the size of each axis
     * @return the view
     * @throws IllegalArgumentException as {@link #of(MemorySegment, DType, long...)}
     * @throws NullPointerException for a null argument
     */
    public static Tensor of(int[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.INT32, shape);
    }

    /**
     * An int64 label map over a Java array (no copy).
     *
     * @param data the labels, row-major
     * @param shape the size of each axis
     * @return the view
     * @throws IllegalArgumentException as {@link #of(MemorySegment, DType, long...)}
     * @throws NullPointerException for a null argument
     */
    public static Tensor of(long[] data, long... shape) {
        return of(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), DType.INT64, shape);
    }

    /**
     * The same data and shape with another layout.
     *
     * @param newLayout where the channel axis is
     * @return a new view
     * @throws NullPointerException for null
     */
    public Tensor withLayout(Layout newLayout) {
        return new Tensor(segment, dtype, shape, Objects.requireNonNull(newLayout, "layout"));
    }

    /** {@return the segment the elements are read from} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return where the channel axis is} */
    public Layout layout() {
        return layout;
    }

    /** {@return a copy of the shape} */
    public long[] shape() {
        return shape.clone();
    }

    /** The shape itself, not copied: for the library's own checks, which never modify it. */
    long[] shapeArray() {
        return shape;
    }

    /** {@return the number of axes} */
    public int rank() {
        return shape.length;
    }

    /**
     * The size of one axis.
     *
     * @param axis in {@code [0, rank())}
     * @return its size
     * @throws ArrayIndexOutOfBoundsException for an axis outside the shape
     */
    public long size(int axis) {
        return shape[axis];
    }

    /** {@return the product of the sizes: the elements of the tensor} */
    public long elementCount() {
        return elementCount;
    }

    /** {@return the bytes the tensor occupies at the start of its segment} */
    public long byteSize() {
        return elementCount * dtype.byteSize();
    }

    /** {@return the type, shape and layout, as {@code Tensor[FLOAT32 [2, 3, 64, 64] CHANNELS_FIRST]}} */
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
