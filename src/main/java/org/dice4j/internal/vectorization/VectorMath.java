package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;

import jdk.incubator.vector.FloatVector;

/**
 * e^x built from IEEE arithmetic only (fma, add, multiply, integer add and shift), so that it gives the same bits
 * whether C2 compiled the caller or not. The Vector API's own {@code lanewise(EXP)} runs Intel's SVML when compiled
 * and {@code (float) Math.exp} in the interpreter: the same input then gave results differing in the last bits
 * from one call to the next, which breaks bit-identical results across runs.
 *
 * <p>x = k·ln 2 + r with |r| ≤ ln 2 / 2 (Cephes' reduction, ln 2 split in two for an exact reduction), e^r ≈ 1 + r +
 * r²·P(r) with P of degree 4 (a minimax fit of ours, 3.1e-9 relative: docs/design.md), then 2^k from the bits.
 * Within 2 ulp of e^x for x in [−87.3, 88]; arguments are clamped to that range, so smaller ones give about
 * 1.2e-38 instead of a subnormal or 0, and larger ones 1.65e38 instead of a larger value or infinity. NaN stays NaN.
 *
 * <p>Public for the JMH roofline that measures it alone; not an API.
 */
public final class VectorMath {
    private static final float LOG2_E = 1.44269504088896341f;
    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDING = 12582912f;
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    static final float MIN_ARGUMENT = -87.3f;
    static final float MAX_ARGUMENT = 88f;

    private VectorMath() {}

    /** e^x lane by lane. Small enough to be inlined into the kernels' loops. */
    public static FloatVector exp(FloatVector x) {
        return expInRange(x.max(MIN_ARGUMENT).min(MAX_ARGUMENT));
    }

    /**
     * e^x for arguments at most 0 (or NaN), as a softmax's {@code z − max}: the same bits as {@link #exp}, one
     * operation fewer (no upper clamp).
     */
    public static FloatVector expNonPositive(FloatVector x) {
        return expInRange(x.max(MIN_ARGUMENT));
    }

    private static FloatVector expInRange(FloatVector clamped) {
        // k = round(x·log2 e), held in the low mantissa bits of `shifted` as well: 2^k is built from those bits
        // directly, (bits + 127) << 23, since ROUNDING's own bits all shift out (one conversion fewer).
        FloatVector shifted = clamped.fma(LOG2_E, ROUNDING);
        FloatVector k = shifted.sub(ROUNDING);
        FloatVector r = k.fma(FloatVector.broadcast(FLOATS, -LN2_HIGH), clamped);
        r = k.fma(FloatVector.broadcast(FLOATS, -LN2_LOW), r);
        FloatVector polynomial = r.fma(1.3814611001E-3f, 8.3687100353E-3f)
                .fma(r, FloatVector.broadcast(FLOATS, 4.1668387409E-2f))
                .fma(r, FloatVector.broadcast(FLOATS, 1.6666520688E-1f))
                .fma(r, FloatVector.broadcast(FLOATS, 4.9999993451E-1f));
        FloatVector expRMinusOne = polynomial.fma(r.mul(r), r);
        FloatVector twoToK = shifted.reinterpretAsInts().add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        return expRMinusOne.fma(twoToK, twoToK);
    }

    /** e^x of one value through the vector code (for tests and benchmarks). */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(FLOATS, x)).lane(0);
    }
}
