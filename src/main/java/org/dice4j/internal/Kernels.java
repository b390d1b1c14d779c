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

    /**
     * As {@link #statistics}, ahead of a {@link #gradient} pass into {@code gradient} (float32, the logits' shape,
     * checked by the caller). An implementation may also write every probability into {@code gradient}, so that
     * the gradient pass reads them instead of computing the activation again; it returns whether it did.
     */
    boolean statisticsForGradient(StatisticsPass pass, double[] out, java.lang.foreign.MemorySegment gradient);

    /** Writes ∂L/∂z of every element into {@code pass.gradient()}: 0 in every channel of an ignored voxel. */
    void gradient(GradientPass pass);

    /**
     * Counts |A∩B|, |A| and |B| of every (image, class) of the hard metric into {@code out} (length
     * {@code pass.outputLength()}, overwritten). Throws {@link IllegalArgumentException} for a label out of range.
     */
    void counts(CountPass pass, long[] out);
}
