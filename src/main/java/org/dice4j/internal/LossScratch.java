package org.dice4j.internal;

/**
 * Buffers a loss call may reuse: a per-thread one for the calls that allocate no result (lossValue,
 * lossValueAndGradient), grown to the largest N × C seen, or a fresh one. Not an API: internal to dice4j.
 */
public final class LossScratch {
    private static final ThreadLocal<LossScratch> PER_THREAD = ThreadLocal.withInitial(LossScratch::new);

    private double[] values = new double[0];
    private double[] coefficients = new double[0];
    private double[] weights = new double[0];

    /** The calling thread's buffers. */
    public static LossScratch perThread() {
        return PER_THREAD.get();
    }

    /** At least {@code length} doubles for the statistics. */
    public double[] values(int length) {
        if (values.length < length) {
            values = new double[length];
        }
        return values;
    }

    /** At least {@code length} doubles for the gradient coefficients. */
    public double[] coefficients(int length) {
        if (coefficients.length < length) {
            coefficients = new double[length];
        }
        return coefficients;
    }

    /** At least {@code classes} doubles for generalized Dice's class weights. */
    double[] weights(int classes) {
        if (weights.length < classes) {
            weights = new double[classes];
        }
        return weights;
    }
}
