package org.dice4j.internal;

import org.dice4j.DType;
import org.dice4j.Tensor;

/**
 * Runs a loss call's passes on the kernels, and what every entry point does when one fails, once: an arena another
 * thread closed during the call is named (ArenaClosedDuringCall), and a gradient the passes may have partly written is
 * filled with NaN. Not an API: internal to dice4j.
 */
public final class LossPasses {
    private final boolean referenceKernels;

    /** Passes on the scalar reference kernels, or on the fastest available ones (chosen at the first call). */
    public LossPasses(boolean referenceKernels) {
        this.referenceKernels = referenceKernels;
    }

    /** "vector" or "scalar". */
    public String kernelName() {
        return kernels().name();
    }

    private Kernels kernels() {
        return referenceKernels ? KernelProvider.scalar() : KernelProvider.get();
    }

    /** The statistics of {@code pass} into {@code values} (at least {@code pass.outputLength()} long). */
    public StatisticsTable statistics(StatisticsPass pass, double[] values, Tensor logits, Tensor target) {
        boolean interrupted = Thread.currentThread().isInterrupted();
        try {
            kernels().statistics(pass, values);
        } catch (IllegalStateException e) {
            throw ArenaClosedDuringCall.explain(e, interrupted, "logits", logits, "target", target);
        }
        return table(pass, values);
    }

    /** What runs between the statistics pass and the gradient pass: it fills the coefficients the latter reads. */
    public interface BetweenPasses {
        /** Fills the coefficients from the statistics; returns the loss, or null when it is not needed. */
        LossValue coefficients(StatisticsTable statistics);
    }

    /**
     * The statistics pass into {@code values}, then {@code between}, then the gradient pass into {@code gradient} with
     * {@code coefficients}; returns what {@code between} returned.
     */
    public LossValue withGradient(StatisticsPass pass, double[] values, double[] coefficients, Tensor logits,
            Tensor target, Tensor gradient, BetweenPasses between) {
        Kernels kernels = kernels();
        boolean interrupted = Thread.currentThread().isInterrupted();
        try {
            boolean stored = statisticsForGradient(kernels, pass, values, gradient);
            LossValue value = between.coefficients(table(pass, values));
            kernels.gradient(new GradientPass(pass, gradient.segment(), coefficients, stored, gradient.dtype()));
            return value;
        } catch (RuntimeException e) {
            // Explained after the NaN fill: an access HotSpot stops in the fill sets the interrupt status as well.
            throw closedDuringCall(poisoned(gradient, e), interrupted, logits, target, gradient);
        }
    }

    private static StatisticsTable table(StatisticsPass pass, double[] values) {
        return new StatisticsTable((int) pass.images(), pass.classes(), values);
    }

    /**
     * The statistics pass ahead of a gradient pass: it may store p in a float32 gradient buffer; a half-precision one
     * cannot hold them, and the gradient pass then computes the activation again (labels are checked either way before
     * anything is written).
     */
    private static boolean statisticsForGradient(Kernels kernels, StatisticsPass pass, double[] values,
            Tensor gradient) {
        if (gradient.dtype() == DType.FLOAT32) {
            return kernels.statisticsForGradient(pass, values, gradient.segment());
        }
        kernels.statistics(pass, values);
        return false;
    }

    /**
     * {@code failure}, explained when it is the FFM API's report of an arena closed during the call (the interrupt
     * status put back to {@code interruptedBefore}: ArenaClosedDuringCall).
     */
    private static RuntimeException closedDuringCall(RuntimeException failure, boolean interruptedBefore,
            Tensor logits, Tensor target, Tensor gradient) {
        return failure instanceof IllegalStateException state ? ArenaClosedDuringCall.explain(state,
                interruptedBefore, "logits", logits, "target", target, "gradient", gradient) : failure;
    }

    /**
     * {@code failure}, after filling the gradient with NaN if the passes may have written part of it: an interrupt, a
     * rejecting executor or a failing worker must not leave a partial gradient that looks valid. A bad label is found
     * before anything is written ({@link IllegalArgumentException}: the buffer is left as it was).
     */
    private static RuntimeException poisoned(Tensor gradient, RuntimeException failure) {
        if (!(failure instanceof IllegalArgumentException)) {
            try {
                // Every byte 0xFF: every float is a NaN.
                gradient.segment().asSlice(0, gradient.byteSize()).fill((byte) 0xFF);
            } catch (RuntimeException e) {
                failure.addSuppressed(e); // a closed arena: nothing can be written, nor read
            }
        }
        return failure;
    }
}
