package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

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
    static final float LOG2_E = 1.44269504088896341f;
    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    static final float ROUNDING = 12582912f;
    static final float LN2_HIGH = 0.693359375f;
    static final float LN2_LOW = -2.12194440e-4f;
    static final float MIN_ARGUMENT = -87.3f;
    static final float MAX_ARGUMENT = 88f;

    private VectorMath() {}

    /** e^x lane by lane. Small enough to be inlined into the kernels' loops. */
    public static FloatVector exp(FloatVector x) {
        return expInRange(atMost(atLeast(x, MIN_ARGUMENT), MAX_ARGUMENT));
    }

    /**
     * max(x, bound) for a bound that is a number, NaN kept: a compare and a blend. {@code FloatVector.max} keeps Java's
     * rules for NaN and signed zeros, which C2 compiles to six instructions on AVX-512 (sign mask, two blends, max,
     * unordered compare, masked move; seen in the disassembled kernels): a third of the exp's instructions.
     */
    static FloatVector atLeast(FloatVector x, float bound) {
        return x.blend(bound, x.compare(LT, bound));
    }

    /** min(x, bound) for a bound that is a number, NaN kept (see {@link #atLeast}). */
    static FloatVector atMost(FloatVector x, float bound) {
        return x.blend(bound, x.compare(GT, bound));
    }

    /**
     * e^x for arguments at most 0 (or NaN), as a softmax's {@code z − max}: the same bits as {@link #exp}, one
     * operation fewer (no upper clamp).
     */
    public static FloatVector expNonPositive(FloatVector x) {
        return expInRange(atLeast(x, MIN_ARGUMENT));
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

    /** Bits of √½: subtracting them puts the mantissa of x·2^−k in [√½, √2) (the reduction of {@link #log}). */
    private static final int SQRT_HALF_BITS = 0x3F3504F3;

    /**
     * ln x for positive, normal, finite x (a softmax's Σ e^(z − max) ≥ 1, or 1 + e^−|z| in [1, 2]): x = 2^k·m with m
     * in [√½, √2), then ln m = f − f²/2 + f³·P(f), f = m − 1, P of degree 7 (a least-squares fit of ours to the
     * relative error, 7.3e-9 in double, ≤ 1.2 ulp evaluated in float: docs/design.md), plus k·ln 2 split in two.
     * Zero, subnormal, negative, infinite and NaN inputs give unspecified values: callers mask them.
     */
    public static FloatVector log(FloatVector x) {
        IntVector shifted = x.reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector exponent = shifted.lanewise(ASHR, 23);
        FloatVector f = shifted.and(0x007FFFFF).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector polynomial = f.fma(-7.901538908481598e-2f, 1.2902501225471497e-1f)
                .fma(f, FloatVector.broadcast(FLOATS, -1.3122010231018066e-1f))
                .fma(f, FloatVector.broadcast(FLOATS, 1.4177486300468445e-1f))
                .fma(f, FloatVector.broadcast(FLOATS, -1.6624902188777924e-1f))
                .fma(f, FloatVector.broadcast(FLOATS, 2.0002485811710358e-1f))
                .fma(f, FloatVector.broadcast(FLOATS, -2.500080466270447e-1f))
                .fma(f, FloatVector.broadcast(FLOATS, 3.333331346511841e-1f));
        FloatVector square = f.mul(f);
        FloatVector lnMantissa = polynomial.mul(square).fma(f, square.fma(FloatVector.broadcast(FLOATS, -0.5f), f));
        FloatVector k = (FloatVector) exponent.convert(I2F, 0);
        return k.fma(FloatVector.broadcast(FLOATS, LN2_HIGH), k.fma(FloatVector.broadcast(FLOATS, LN2_LOW), lnMantissa));
    }

    /** ln x of one value through the vector code (for tests). */
    public static float log(float x) {
        return log(FloatVector.broadcast(FLOATS, x)).lane(0);
    }

    /** e^x of one value through the vector code (for tests and benchmarks). */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(FLOATS, x)).lane(0);
    }
}
