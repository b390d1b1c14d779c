package org.dice4j.internal;

import java.util.concurrent.CancellationException;
import org.dice4j.Tensor;

/**
 * The report of a call whose tensor's shared arena another thread closed while the call ran, and the calling
 * thread's interrupt status after it.
 *
 * <p>HotSpot stops an access to an arena being closed by throwing an error into the accessing thread asynchronously,
 * and sets that thread's interrupt status with it (meant to wake a thread that waits). The call's failure is that
 * error; the status is not an interrupt of the caller, so the call puts back the status it found when it began.
 * An interrupt the pass noticed between two tasks before the failure ({@link CancellationException}) is kept. One
 * that lands within the failing task (a task is well under a millisecond; an image on the reference kernels) cannot
 * be told apart from HotSpot's and is cleared with it. Not an API: internal to dice4j.
 */
public final class ArenaClosedDuringCall {
    private ArenaClosedDuringCall() {}

    /**
     * {@code failure} (an {@link IllegalStateException} from a pass), replaced by one naming the tensor whose arena is
     * no longer alive when another thread closed it during the call; {@code failure} itself otherwise. In the first
     * case the interrupt status is put back to {@code interruptedBefore}, the status when the call began. Arguments
     * after it are (name, tensor) pairs.
     */
    public static IllegalStateException explain(IllegalStateException failure, boolean interruptedBefore,
            Object... namedTensors) {
        for (int i = 0; i < namedTensors.length; i += 2) {
            if (!((Tensor) namedTensors[i + 1]).segment().scope().isAlive()) {
                if (!interruptedBefore && !(failure instanceof CancellationException)) {
                    Thread.interrupted(); // HotSpot's, set with the error that stopped the access
                }
                return new IllegalStateException(namedTensors[i] + ": its arena was closed during the call; the"
                        + " call gives no result", failure);
            }
        }
        return failure;
    }
}
