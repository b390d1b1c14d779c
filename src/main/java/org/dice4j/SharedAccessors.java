package org.dice4j;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.dice4j.internal.SharedOptions;

/**
 * The accessors of the options {@link DiceLoss} and {@link DiceMetric} share, once. Package-private: users see these
 * methods as the loss's and the metric's own (the javadoc documents them there).
 */
abstract class SharedAccessors {
    /** {@return the options this loss or metric was built with} */
    abstract SharedOptions shared();

    /**
     * The activation set, or empty when it follows C: SOFTMAX when C &gt; 1, else SIGMOID (the default).
     *
     * @return the activation, if set
     */
    public Optional<Activation> activation() {
        return Optional.ofNullable(shared().activation());
    }

    /** {@return whether class 0 gets a term (a loss) or a column (a metric); default true} */
    public boolean includeBackground() {
        return shared().includeBackground();
    }

    /** {@return the target label that counts in no sum and no class, or empty for none (the default)} */
    public OptionalLong ignoreIndex() {
        return shared().ignoreIndex();
    }

    /** {@return the threads a call may use (default 1)} */
    public int threads() {
        return shared().threads();
    }

    /** {@return the executor extra threads come from, or empty for the common fork-join pool (the default)} */
    public Optional<Executor> executor() {
        return Optional.ofNullable(shared().executor());
    }

    /** {@return whether calls run on the scalar reference kernels (default false)} */
    public boolean referenceKernels() {
        return shared().referenceKernels();
    }

    /**
     * Every option, as {@code DiceLoss[activation=SOFTMAX, variant=DICE, alpha=0.5, …]} or
     * {@code DiceMetric[activation=unset, threshold=0.5, …]}: each under the name of its builder method, doubles
     * exact (they parse back to the same bits), {@code unset} for an unset option (the executor is shown by its own
     * {@code toString}). Calling those builder methods with those values builds the same loss or metric.
     *
     * @return the options, every one of them
     */
    @Override
    public String toString() {
        return shared().describe();
    }
}
