package org.dice4j;

/** Element type of a {@link Tensor}. Elements are stored in the platform's native byte order. */
public enum DType {
    /** IEEE 754 binary32: logits, probabilities and dense targets. */
    FLOAT32(4, false),
    /** Unsigned 8-bit label map (values 0..255). */
    UINT8(1, true),
    /** Signed 32-bit label map. */
    INT32(4, true),
    /** Signed 64-bit label map (PyTorch's default integer type). */
    INT64(8, true),
    /** IEEE 754 binary16 (half precision): logits and gradients of mixed-precision training. */
    FLOAT16(2, false),
    /** bfloat16, the upper half of a binary32: logits and gradients of mixed-precision training. */
    BFLOAT16(2, false);

    private final int byteSize;
    private final boolean integer;

    DType(int byteSize, boolean integer) {
        this.byteSize = byteSize;
        this.integer = integer;
    }

    /** {@return the bytes per element} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return whether this is a floating-point type for logits and gradients: FLOAT32, FLOAT16, BFLOAT16} */
    public boolean isLogitType() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16;
    }

    /** {@return whether this is an integer type, usable as a label map} */
    public boolean isInteger() {
        return integer;
    }
}
