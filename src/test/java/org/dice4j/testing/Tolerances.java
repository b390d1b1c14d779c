package org.dice4j.testing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.dice4j.internal.StatisticsPass;

/**
 * The tolerances of the fast kernels against the double reference, and the one comparison each uses. The bounds
 * are argued in the tests that introduced them: statistics in {@code VectorStatisticsTest}, losses and terms in
 * {@code LossVectorVsReferenceTest}, gradient elements against the largest one in {@code TilingTest}.
 */
public final class Tolerances {
    private Tolerances() {}

    /** A statistic (a sum of non-negative terms) relative to itself. */
    public static final double STATISTICS_RELATIVE = 1e-5;

    /** A statistic, absolute: for sums of terms below float's range (a sigmoid of −88 is 0 in float). */
    public static final double STATISTICS_ABSOLUTE = 1e-30;

    /** A loss or a term, absolute plus relative. */
    public static final double LOSS = 1e-4;

    /** A gradient element, of the largest finite element of the whole gradient. */
    public static final double GRADIENT_OF_LARGEST = 1e-4;

    /** How far a statistic may be from the reference's {@code expected} (NaN never is within it). */
    public static double statisticBound(double expected) {
        return STATISTICS_RELATIVE * Math.abs(expected) + STATISTICS_ABSOLUTE;
    }

    /** |expected − actual| ≤ tolerance + tolerance·|expected|, or both NaN. */
    public static boolean close(double expected, double actual, double tolerance) {
        return Double.isNaN(expected) && Double.isNaN(actual)
                || Math.abs(expected - actual) <= tolerance + tolerance * Math.abs(expected);
    }

    /** Fails unless {@link #close}. */
    public static void assertClose(double expected, double actual, double tolerance, String context) {
        if (!close(expected, actual, tolerance)) {
            throw new AssertionError("expected " + expected + ", got " + actual + " in " + context);
        }
    }

    /** A gradient element within {@code tolerance} of the {@code largest} element (plus 1e-12), or both NaN. */
    public static boolean gradientClose(double expected, double actual, double tolerance, double largest) {
        return Math.abs(expected - actual) <= tolerance * largest + 1e-12
                || Double.isNaN(expected) && Double.isNaN(actual);
    }

    /** The largest magnitude of the finite elements (0 if none). */
    public static double largestFinite(float[] values) {
        return largestFinite(MemorySegment.ofArray(values));
    }

    /** The largest magnitude of the finite float32 elements of a segment (0 if none). */
    public static double largestFinite(MemorySegment values) {
        double largest = 0;
        for (long i = 0; i < values.byteSize() / Float.BYTES; i++) {
            float value = values.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            largest = Float.isFinite(value) ? Math.max(largest, Math.abs(value)) : largest;
        }
        return largest;
    }

    /**
     * A statistics pass's output against the reference's. The cross-entropy sums are sums of non-negative terms
     * ((max − z) + ln Σ e^(z − max); max(z, 0) − z·g plus ln(1 + e^−|z|)), each within a few ulp of itself, except
     * that Σ e^(z − max) is rounded once more before its log: an absolute error of up to ~C float epsilons per voxel
     * (a confident voxel's tiny loss is lost in it, as in any float32 framework). So besides the relative tolerance
     * each voxel may be off by 2^-21·(C + 1). Huge logits (Problems.LogitScale) need no more: max − z of two floats
     * is exact or rounded once, and Σ is as for any logits.
     */
    public static void assertStatisticsClose(StatisticsPass pass, double[] expected, double[] actual, String context) {
        double crossEntropySlack = pass.crossEntropy() ? Math.scalb(1.0, -21) * (pass.classes() + 1) * pass.voxels() : 0;
        for (int i = 0; i < expected.length; i++) {
            double tolerance = statisticBound(expected[i])
                    + (i % StatisticsPass.STATS == StatisticsPass.CROSS_ENTROPY ? crossEntropySlack : 0);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError("statistic " + i % StatisticsPass.STATS + " of (image, class) #"
                        + i / StatisticsPass.STATS + ": expected " + expected[i] + ", got " + actual[i]
                        + " (tolerance " + tolerance + ") in " + context + "\nexpected " + Arrays.toString(expected)
                        + "\nactual   " + Arrays.toString(actual));
            }
        }
    }
}
