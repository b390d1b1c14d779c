package org.dice4j.testing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Numbers as their raw bits, for tests that require bit-identical results: hex text (a diff shows which number
 * moved) and 64-bit FNV-1a hashes (for large gradients).
 */
public final class Bits {
    private Bits() {}

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    public static String hex(double value) {
        return Long.toHexString(Double.doubleToRawLongBits(value));
    }

    /** The values' bits, comma-separated. */
    public static String hex(double[] values) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            text.append(text.isEmpty() ? "" : ",").append(hex(value));
        }
        return text.toString();
    }

    /** The rows' bits, rows separated by semicolons. */
    public static String hex(double[][] matrix) {
        StringBuilder text = new StringBuilder();
        for (double[] row : matrix) {
            text.append(text.isEmpty() ? "" : ";").append(hex(row));
        }
        return text.toString();
    }

    /** FNV-1a over 32-bit words (the raw bits of floats and labels), then the bytes left over. */
    public static long fnv(MemorySegment segment) {
        long hash = FNV_OFFSET;
        long words = segment.byteSize() / Integer.BYTES;
        for (long i = 0; i < words; i++) {
            hash = (hash ^ (segment.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) & 0xffffffffL)) * FNV_PRIME;
        }
        for (long i = words * Integer.BYTES; i < segment.byteSize(); i++) {
            hash = (hash ^ (segment.get(ValueLayout.JAVA_BYTE, i) & 0xff)) * FNV_PRIME;
        }
        return hash;
    }

    public static long fnv(double[] values) {
        return fnv(MemorySegment.ofArray(values.clone()));
    }

    /** The rows' hashes, hashed in order. */
    public static long fnv(double[][] matrix) {
        long hash = FNV_OFFSET;
        for (double[] row : matrix) {
            hash = (hash ^ fnv(row)) * FNV_PRIME;
        }
        return hash;
    }
}
