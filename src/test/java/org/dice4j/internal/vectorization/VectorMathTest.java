package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dice4j.internal.KernelProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernels' exp: accurate to 2 ulp on its range, and saturating as documented outside it. */
class VectorMathTest {

    @BeforeEach
    void requireVectorModule() {
        assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector absent: this is the scalar-only run");
    }

    @Test
    void expIsWithinTwoUlpOfMathExpOnItsRange() {
        double worst = 0;
        float worstAt = 0;
        int samples = 400_000;
        for (int i = 0; i <= samples; i++) {
            float x = (float) (VectorMath.MIN_ARGUMENT
                    + (VectorMath.MAX_ARGUMENT - VectorMath.MIN_ARGUMENT) * (double) i / samples);
            double exact = Math.exp(x);
            double ulps = Math.abs(VectorMath.exp(x) - exact) / Math.ulp((float) exact);
            if (ulps > worst) {
                worst = ulps;
                worstAt = x;
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp at x = " + worstAt);
    }

    @Test
    void expIsExactAtZeroAndSaturatesOutsideItsRange() {
        assertEquals(1f, VectorMath.exp(0f));
        assertEquals(VectorMath.exp(VectorMath.MIN_ARGUMENT), VectorMath.exp(-1000f));
        assertTrue(VectorMath.exp(-1000f) < 1.3e-38f && VectorMath.exp(-1000f) > 0);
        assertEquals(VectorMath.exp(VectorMath.MAX_ARGUMENT), VectorMath.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(VectorMath.exp(Float.NaN)));
    }

    @Test
    void expNonPositiveGivesTheBitsOfExpForEveryArgumentAtMostZero() {
        int samples = 200_000;
        for (int i = 0; i <= samples; i++) {
            float x = (float) (-100.0 * i / samples);
            assertEquals(Float.floatToRawIntBits(VectorMath.exp(x)), Float.floatToRawIntBits(expNonPositive(x)),
                    "at x = " + x);
        }
        assertEquals(VectorMath.exp(Float.NEGATIVE_INFINITY), expNonPositive(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(expNonPositive(Float.NaN)));
    }

    @Test
    void logIsWithinTwoUlpOfMathLogOnEveryPositiveNormalFloatSampled() {
        double worst = 0;
        float worstAt = 0;
        // Every 97th float bit pattern from the smallest normal to the largest finite value: all exponents, and
        // mantissas on both sides of the √½ reduction boundary.
        for (int bits = Float.floatToRawIntBits(Float.MIN_NORMAL); bits <= Float.floatToRawIntBits(Float.MAX_VALUE);
                bits += 97) {
            float x = Float.intBitsToFloat(bits);
            double exact = Math.log(x);
            double ulps = exact == 0 ? Math.abs(VectorMath.log(x)) / Float.MIN_VALUE
                    : Math.abs(VectorMath.log(x) - exact) / Math.ulp((float) exact);
            if (ulps > worst) {
                worst = ulps;
                worstAt = x;
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp at x = " + worstAt);
    }

    @Test
    void logIsExactAtOneAndAccurateJustAboveIt() {
        assertEquals(0f, VectorMath.log(1f));
        // ln(1 + t) ≈ t: the cross-entropy of a confident prediction must not round to a multiple of ln 2.
        float above = Math.nextUp(1f);
        assertEquals(Math.log(above), VectorMath.log(above), Math.ulp((float) Math.log(above)));
        assertEquals(Math.log(2.0), VectorMath.log(2f), Math.ulp((float) Math.log(2.0)));
    }

    private static float expNonPositive(float x) {
        return VectorMath.expNonPositive(jdk.incubator.vector.FloatVector.broadcast(VectorConstants.FLOATS, x)).lane(0);
    }
}
