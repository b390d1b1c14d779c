package org.dice4j;

import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.dice4j.internal.BuilderChecks;
import org.dice4j.internal.SharedOptions;

/**
 * The setters of the options {@link DiceLoss.Builder} and {@link DiceMetric.Builder} share, once. Package-private:
 * users see these methods as each builder's own (the javadoc documents them there).
 *
 * @param <B> the builder type the setters return
 */
abstract class SharedSetters<B extends SharedSetters<B>> {
    Activation activation;
    boolean includeBackground;
    OptionalLong ignoreIndex;
    boolean referenceKernels;
    int threads;
    Executor executor;

    /** Setters starting from {@code options}. */
    SharedSetters(SharedOptions options) {
        activation = options.activation();
        includeBackground = options.includeBackground();
        ignoreIndex = options.ignoreIndex();
        referenceKernels = options.referenceKernels();
        threads = options.threads();
        executor = options.executor();
    }

    /** {@return this builder, as its own type} */
    abstract B self();

    /**
     * Threads a call may use (default 1: the calling thread only). Results have the same bits for any count: the
     * work is cut by the shape, not by the threads, and partial sums are combined in a fixed order.
     *
     * @param threads at least 1
     * @return this builder
     * @throws IllegalArgumentException for a count below 1
     */
    public B threads(int threads) {
        this.threads = BuilderChecks.atLeastOne("threads", threads);
        return self();
    }

    /**
     * Where the extra threads come from (default: the common fork-join pool). An executor that rejects a worker
     * (shut down, saturated) stops the call with a {@link java.util.concurrent.RejectedExecutionException}; it is
     * only asked for passes large enough to split.
     *
     * @param executor the executor of the extra threads
     * @return this builder
     * @throws NullPointerException for null: {@link #clearExecutor()} restores the default
     */
    public B executor(Executor executor) {
        this.executor = BuilderChecks.present("executor", executor);
        return self();
    }

    /** {@return this builder, its extra threads from the common fork-join pool again (the default)} */
    public B clearExecutor() {
        this.executor = null;
        return self();
    }

    /**
     * The activation (default: unset, SOFTMAX when C &gt; 1, else SIGMOID). A loss fuses it into its pass to turn
     * logits into probabilities; a metric makes scores hard with it (SOFTMAX: the argmax; SIGMOID: a threshold per
     * channel; NONE: the argmax, or a threshold on the score with C = 1).
     *
     * @param activation SIGMOID, SOFTMAX or NONE
     * @return this builder
     * @throws NullPointerException for null: {@link #clearActivation()} restores the default
     */
    public B activation(Activation activation) {
        this.activation = BuilderChecks.present("activation", activation);
        return self();
    }

    /** {@return this builder, its activation following C again (the default)} */
    public B clearActivation() {
        this.activation = null;
        return self();
    }

    /**
     * Whether class 0 gets a term (a loss) or a column (a metric); default true. A loss's softmax still includes
     * class 0's logits.
     *
     * @param includeBackground false to leave class 0 out (needs C &gt; 1)
     * @return this builder
     */
    public B includeBackground(boolean includeBackground) {
        this.includeBackground = includeBackground;
        return self();
    }

    /**
     * Target voxels whose label equals {@code ignoreIndex} count in no sum and no class (label-map targets only;
     * default: none).
     *
     * @param ignoreIndex the ignored label, any value (commonly 255 or −100)
     * @return this builder
     */
    public B ignoreIndex(long ignoreIndex) {
        this.ignoreIndex = OptionalLong.of(ignoreIndex);
        return self();
    }

    /** {@return this builder, without an ignore index again (the default)} */
    public B clearIgnoreIndex() {
        this.ignoreIndex = OptionalLong.empty();
        return self();
    }

    /**
     * Runs on the scalar reference kernels instead of the fastest available ones (default false): slower, and the
     * reference the vector kernels are tested against (double precision for a loss), for checking a result or a
     * platform.
     *
     * @param referenceKernels whether to use the reference kernels
     * @return this builder
     */
    public B referenceKernels(boolean referenceKernels) {
        this.referenceKernels = referenceKernels;
        return self();
    }
}
