package org.dice4j.internal.vectorization;

import org.dice4j.internal.GradientPass;
import org.dice4j.internal.StatisticsPass;

/**
 * A gradient pass's coefficients (GradientPass#coefficients) of one image in float, for the gradient stages: class c
 * at c × COEFFICIENTS; then, from index C × COEFFICIENTS (half the array), b + e and b − e of class c at 2c and 2c + 1.
 * Converted once per image; per thread, set for each task.
 */
final class GradientCoefficients {
    private double[] source;
    private float[] image = new float[0];
    private long imageIndex = -1;

    /** The coefficients of the pass the next chunks belong to. */
    void use(double[] coefficients) {
        source = coefficients;
        imageIndex = -1;
    }

    void release() {
        source = null;
    }

    /** Image n's coefficients in float (converted once per image). */
    float[] forImage(StatisticsPass pass, long n) {
        if (imageIndex != n) {
            int length = pass.classes() * GradientPass.COEFFICIENTS;
            if (image.length != 2 * length) {
                image = new float[2 * length];
            }
            for (int k = 0; k < length; k++) {
                image[k] = (float) source[(int) (n * length + k)];
            }
            // Then b + e and b − e of each class, added in double: with a soft label and a nearly empty class,
            // b and e are large and of opposite signs, and their float sum lost up to 1e-4 of the result.
            for (int c = 0; c < pass.classes(); c++) {
                int at = (int) (n * length) + c * GradientPass.COEFFICIENTS;
                double prediction = source[at + GradientPass.PREDICTION];
                double sign = source[at + GradientPass.SIGN];
                image[length + 2 * c] = (float) (prediction + sign);
                image[length + 2 * c + 1] = (float) (prediction - sign);
            }
            imageIndex = n;
        }
        return image;
    }
}
