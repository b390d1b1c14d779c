package org.dice4j.internal;

import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.dice4j.Activation;

/**
 * The options a loss and a metric both have, with the same meaning and default: read here by the setters and
 * accessors they share. Not an API: internal to dice4j.
 */
public interface SharedOptions {
    /** The activation set, or null when it follows C. */
    Activation activation();

    /** Whether class 0 gets a term or a column. */
    boolean includeBackground();

    /** The ignored label, if any. */
    OptionalLong ignoreIndex();

    /** The threads a call may use. */
    int threads();

    /** The executor of the extra threads, or null for the common pool. */
    Executor executor();

    /** Whether the call runs on the scalar reference kernels. */
    boolean referenceKernels();

    /** Every option under its builder method's name (OptionText). */
    String describe();
}
