package org.dice4j.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * One pass of {@link Parallelism#run} on more than one thread: the tasks are taken in index order from one counter by
 * the calling thread and the helpers it starts, and the pass ends with the failure of the lowest-numbered failing task,
 * so that what is thrown does not depend on the thread count. Used once, by the calling thread.
 */
final class SharedPass {
    private final IntConsumer task;
    private final int count;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Throwable[] failures;
    private final Helpers helpers = new Helpers();
    private Throwable helperFailure; // guarded by helpers

    SharedPass(IntConsumer task, int count) {
        this.task = task;
        this.count = count;
        this.failures = new Throwable[count];
    }

    /** Runs every task on the calling thread and up to {@code workers − 1} helpers from {@code executor}. */
    void run(Executor executor, int workers) {
        RejectedExecutionException rejected = startHelpers(executor, workers - 1);
        CallerOutcome outcome = rejected == null ? takeTasks() : CallerOutcome.DONE;
        // Helpers stop at their next task boundary once stop is set; a task is well under a millisecond.
        helpers.closeAndAwait();
        throwFailure(outcome, rejected);
    }

    /** Starts the helpers; the executor's rejection, which stops the pass, or null. */
    private RejectedExecutionException startHelpers(Executor executor, int count) {
        Runnable helper = this::helperLoop;
        try {
            for (int w = 0; w < count; w++) {
                executor.execute(helper);
            }
            return null;
        } catch (RejectedExecutionException e) {
            stop.set(true);
            return e;
        }
    }

    private void helperLoop() {
        if (!helpers.enter()) {
            return; // started after the calling thread finished: nothing left to do
        }
        try {
            while (!stop.get()) {
                int i = next.getAndIncrement();
                if (i >= count || !runTask(i)) {
                    return;
                }
            }
        } catch (Throwable e) {
            stop.set(true);
            synchronized (helpers) {
                helperFailure = e;
            }
        } finally {
            helpers.exit();
        }
    }

    /** What the calling thread's share of the tasks ended with. */
    private record CallerOutcome(boolean interrupted, Throwable failure) {
        static final CallerOutcome DONE = new CallerOutcome(false, null);
    }

    /** The calling thread's loop: its interrupt status is looked at before each task it takes and once at the end. */
    private CallerOutcome takeTasks() {
        boolean failedHere = false;
        try {
            while (!stop.get()) {
                if (Thread.currentThread().isInterrupted()) {
                    stop.set(true);
                    return new CallerOutcome(true, null);
                }
                int i = next.getAndIncrement();
                if (i >= count) {
                    break;
                }
                failedHere = !runTask(i);
            }
            // The helpers may have taken every task before this thread took one: look once more.
            if (!failedHere && Thread.currentThread().isInterrupted()) {
                stop.set(true);
                return new CallerOutcome(true, null);
            }
            return CallerOutcome.DONE;
        } catch (Throwable e) {
            stop.set(true);
            return new CallerOutcome(false, e);
        }
    }

    /** Runs task i; false if it failed, its exception kept for its index and the pass stopped. */
    private boolean runTask(int i) {
        try {
            task.accept(i);
            return true;
        } catch (RuntimeException e) {
            failures[i] = e;
            stop.set(true);
            return false;
        }
    }

    /** Throws what stopped the pass, in a fixed order of precedence; returns if every task ran. */
    private void throwFailure(CallerOutcome outcome, RejectedExecutionException rejected) {
        if (outcome.failure() != null) {
            throw rethrowable(outcome.failure());
        }
        synchronized (helpers) {
            if (helperFailure != null) {
                throw new IllegalStateException("a worker thread of the pass failed: " + helperFailure, helperFailure);
            }
        }
        if (rejected != null) {
            throw new RejectedExecutionException("executor: rejected a worker thread of the pass (" + rejected
                    + "); the pass was stopped and gives no result: pass a running executor, or threads(1)", rejected);
        }
        if (outcome.interrupted()) {
            throw Parallelism.interruption();
        }
        for (Throwable failure : failures) {
            if (failure != null) {
                throw rethrowable(failure);
            }
        }
    }

    private static RuntimeException rethrowable(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failure);
    }

    /** The helpers that started, and the calling thread's wait for them; a helper starting after the wait does nothing. */
    private static final class Helpers {
        private int running;
        private boolean closed;

        synchronized boolean enter() {
            if (closed) {
                return false;
            }
            running++;
            return true;
        }

        synchronized void exit() {
            if (--running == 0) {
                notifyAll();
            }
        }

        /** Lets no helper start any more and waits for the running ones; an interrupt is kept for later. */
        synchronized void closeAndAwait() {
            closed = true;
            boolean interrupted = false;
            while (running > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
