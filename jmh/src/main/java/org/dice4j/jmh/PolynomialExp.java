package org.dice4j.jmh;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cephes' {@code expf} on vectors, a copy of the library's package-private {@code VectorMath.exp} (commit 244f387):
 * x = k·ln 2 + r with ln 2 split in two, e^r by a degree-5 polynomial, 2^k through the exponent bits; within 2 ulp
 * of e^x on [−87.3, 88], arguments clamped to it. Only fma, add, multiply, conversions and shifts: C2 inlines it,
 * where {@code lanewise(EXP)} becomes a call into Intel's SVML.
 */
final class PolynomialExp {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    private PolynomialExp() {}

    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(-87.3f).min(88f);
        FloatVector k = clamped.fma(1.44269504088896341f, 12582912f).sub(12582912f);
        FloatVector r = k.fma(FloatVector.broadcast(FLOATS, -0.693359375f), clamped);
        r = k.fma(FloatVector.broadcast(FLOATS, 2.12194440e-4f), r);
        FloatVector polynomial = r.fma(1.9875691500E-4f, 1.3981999507E-3f)
                .fma(r, FloatVector.broadcast(FLOATS, 8.3334519073E-3f))
                .fma(r, FloatVector.broadcast(FLOATS, 4.1665795894E-2f))
                .fma(r, FloatVector.broadcast(FLOATS, 1.6666665459E-1f))
                .fma(r, FloatVector.broadcast(FLOATS, 5.0000001201E-1f));
        FloatVector expR = polynomial.fma(r.mul(r), r).add(1f);
        IntVector exponent = (IntVector) k.convert(F2I, 0);
        return expR.mul(exponent.add(127).lanewise(LSHL, 23).reinterpretAsFloats());
    }

    /** Throws unless {@link #exp} is within 4 ulp of {@link Math#exp} on a grid of its range. */
    static void check() {
        for (float x = -87f; x <= 88f; x += 0.01f) {
            float expected = (float) Math.exp(x);
            float actual = exp(FloatVector.broadcast(FLOATS, x)).lane(0);
            if (!(Math.abs(actual - expected) <= 4 * Math.ulp(expected))) {
                throw new IllegalStateException("PolynomialExp.exp(" + x + ") = " + actual + ", Math.exp gives "
                        + expected);
            }
        }
    }
}
