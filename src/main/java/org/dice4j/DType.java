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
    INT64(8, true);

    private final int byteSize;
    private final boolean integer;

    DType(int byteSize, boolean integer) {
        this.byteSize = byteSize;
        this.integer = integer;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is an integer type, usable as a label map. */
    public boolean isInteger() {
        return integer;
    }
}
