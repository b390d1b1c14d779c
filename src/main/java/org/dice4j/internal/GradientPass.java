package org.dice4j.internal;

import java.lang.foreign.MemorySegment;

/**
 * One validated gradient pass: the statistics pass it follows, the float32 segment of the logits' shape that
 * receives ∂L/∂z, and the per-(image, class) coefficients of ∂L/∂p (docs/semantics.md, "Gradient"):
 *
 * <pre>∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g)</pre>
 *
 * at {@code coefficients[(n * classes + c) * COEFFICIENTS + k]} for k in {@link #TARGET} (a), {@link #PREDICTION}
 * (b, the factor q of p^q included) and {@link #SIGN} (e, soft-label formulation only). The activation's Jacobian
 * is applied after; ignored voxels get 0 in every channel. The cross-entropy term is added after the Jacobian, with
 * κ at {@link #CROSS_ENTROPY}: {@code p_c·Σ_k κ_k·g_k − κ_c·g_c} (softmax) or {@code κ_c·(p − g)} (sigmoid); κ = 0
 * without cross-entropy.
 *
 * <p>With {@code probabilitiesStored}, the statistics pass has already written every probability into
 * {@code gradient} (the vector kernels' design: the gradient pass then reads them instead of computing the
 * activation again).
 */
public record GradientPass(StatisticsPass statistics, MemorySegment gradient, double[] coefficients,
        boolean probabilitiesStored, org.dice4j.DType gradientType) {

    /** A float32 gradient. */
    public GradientPass(StatisticsPass statistics, MemorySegment gradient, double[] coefficients,
            boolean probabilitiesStored) {
        this(statistics, gradient, coefficients, probabilitiesStored, org.dice4j.DType.FLOAT32);
    }

    /**
     * Writes {@code value} at element {@code index} of the gradient, rounded to float32, then (for a FLOAT16 or BFLOAT16
     * gradient) to the nearest value of that type, ties to even.
     */
    public void write(long index, double value) {
        float rounded = (float) value;
        switch (gradientType) {
            case FLOAT32 -> gradient.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, index, rounded);
            case FLOAT16 -> gradient.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index,
                    Float.floatToFloat16(rounded));
            case BFLOAT16 -> gradient.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index,
                    toBfloat16(rounded));
            default -> throw new IllegalStateException("gradient of type " + gradientType);
        }
    }

    /** The bfloat16 nearest to {@code value} (ties to even), a quiet NaN for NaN. */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    // The layout is GradientCoefficients': the kernels read it by these names.
    public static final int TARGET = GradientCoefficients.TARGET;
    public static final int PREDICTION = GradientCoefficients.PREDICTION;
    public static final int SIGN = GradientCoefficients.SIGN;
    public static final int CROSS_ENTROPY = GradientCoefficients.CROSS_ENTROPY;
    /** Coefficients per (image, class). */
    public static final int COEFFICIENTS = GradientCoefficients.COEFFICIENTS;

    public double coefficient(long n, int c, int k) {
        return coefficients[(int) ((n * statistics.classes() + c) * COEFFICIENTS + k)];
    }
}
