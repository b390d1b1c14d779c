package org.dice4j.internal.vectorization;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Species used by the kernels, fixed once. The float width is the preferred one, or the one named by
 * {@code -Ddice4j.vectorBitSize=128|256|512} (to test narrower widths on a wide machine); below 128 bits the
 * vector kernels refuse to run and the provider falls back to the scalar ones.
 */
final class VectorConstants {
    static final String BIT_SIZE_PROPERTY = "dice4j.vectorBitSize";

    static final VectorSpecies<Float> FLOATS = floatSpecies();
    static final int LANES = FLOATS.length();
    /** Ints with as many lanes as {@link #FLOATS}: label values, compared lane by lane with the probabilities. */
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Bytes with as many lanes as {@link #FLOATS} (uint8 labels), or null when no such shape exists. */
    static final VectorSpecies<Byte> BYTES = byteSpecies(LANES);
    /** Shorts with as many lanes as {@link #FLOATS} (bfloat16 logits), or null when no such shape exists. */
    static final VectorSpecies<Short> SHORTS = shortSpecies(LANES);

    private VectorConstants() {}

    private static VectorSpecies<Float> floatSpecies() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = Integer.getInteger(BIT_SIZE_PROPERTY, preferred);
        if (bits > preferred || bits < 128 || Integer.bitCount(bits) != 1) {
            throw new UnsupportedOperationException("vector bit size " + bits + " unsupported on this machine"
                    + " (preferred " + preferred + ", minimum 128)");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static VectorSpecies<Short> shortSpecies(int lanes) {
        int bits = lanes * Short.SIZE;
        return bits >= 64 ? VectorSpecies.of(short.class, VectorShape.forBitSize(bits)) : null;
    }

    private static VectorSpecies<Byte> byteSpecies(int lanes) {
        int bits = lanes * Byte.SIZE;
        return bits >= 64 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(bits)) : null;
    }

    static String describe() {
        return "float lanes=" + LANES + " (" + FLOATS.vectorBitSize() + " bits), preferred="
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits, uint8 labels "
                + (BYTES == null ? "gathered" : "as " + BYTES.vectorBitSize() + "-bit byte vectors");
    }
}
