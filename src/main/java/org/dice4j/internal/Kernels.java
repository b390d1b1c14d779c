package org.dice4j.internal;

/**
 * The hot passes over the data. Two implementations: {@link ScalarKernels}, the double-precision oracle and
 * fallback, and {@code VectorKernels} on the incubating Vector API, chosen once by {@link KernelProvider}.
 */
public interface Kernels {
    /** "vector" or "scalar". */
    String name();

    /**
     * Computes the sufficient statistics of {@code pass} into {@code out} (length {@code pass.outputLength()},
     * overwritten). Throws {@link IllegalArgumentException} for a label out of range.
     */
    void statistics(StatisticsPass pass, double[] out);
}
