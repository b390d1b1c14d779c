package org.dice4j.internal;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * How many threads a pass may use, and where they come from. Work is cut into tasks whose boundaries depend only on
 * the shape; {@link #run} executes tasks 0…count−1 on up to {@code threads} threads (the calling thread is one of
 * them) and rethrows the exception of the lowest-numbered failing task, so that errors, like results, do not depend
 * on the thread count. An interrupt of the calling thread or a rejecting executor stops a pass between tasks.
 */
public record Parallelism(int threads, Executor executor) {
    public static final Parallelism SEQUENTIAL = new Parallelism(1, Runnable::run);

    public Parallelism {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected a value ≥ 1, got " + threads);
        }
        Objects.requireNonNull(executor, "executor");
    }

    /** {@code threads} threads from the common fork-join pool. */
    public static Parallelism of(int threads) {
        return threads == 1 ? SEQUENTIAL : new Parallelism(threads, ForkJoinPool.commonPool());
    }

    /** {@code threads} threads from {@code executor}, or from the common fork-join pool when it is null. */
    public static Parallelism of(int threads, Executor executor) {
        return executor == null ? of(threads) : new Parallelism(threads, executor);
    }

    /**
     * This parallelism for a pass over {@code segments}: one thread when a segment's arena is confined to the calling
     * thread (the same bits, one thread).
     */
    public Parallelism over(java.lang.foreign.MemorySegment... segments) {
        return threads > 1 && !shareable(segments) ? SEQUENTIAL : this;
    }

    /** A thread that never runs: a segment it may access is not confined to the calling thread. */
    private static final Thread OTHER_THREAD = new Thread(() -> { });

    /** Whether worker threads may access every one of these segments (a confined arena's may not). */
    public static boolean shareable(java.lang.foreign.MemorySegment... segments) {
        for (java.lang.foreign.MemorySegment segment : segments) {
            if (!segment.isAccessibleBy(OTHER_THREAD)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code task} for 0…count−1; each index at most once, in no fixed order unless one thread is used.
     *
     * <p>The calling thread's interrupt status is checked before each task it takes (and when the pass starts and
     * after its own tasks): once interrupted, no task starts any more (on any thread) and the call throws
     * {@link CancellationException}, the status left set. An executor that rejects a worker stops the pass the same
     * way, with a {@link RejectedExecutionException}. Either way some tasks may have run: callers that write output
     * clean up (see DiceLoss). A failing task stops the pass too: every task numbered below it was taken before it and
     * runs, so the failure rethrown is the same; after a failure of its own the calling thread does not look at its
     * interrupt status again, which HotSpot may have set with that failure (an arena closed during the access: see
     * ArenaClosedDuringCall). A worker the executor accepts but never starts (a saturated pool that discards it, or
     * the calling thread's own single-thread executor) is not waited for: the calling thread does the tasks left,
     * and returns only when every worker that did start has finished.
     */
    public void run(int count, IntConsumer task) {
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) {
                checkInterrupted();
                task.accept(i);
            }
            return;
        }
        checkInterrupted();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Throwable[] failures = new Throwable[count];
        Throwable[] workerFailure = new Throwable[1];
        Helpers helpers = new Helpers();
        Runnable worker = () -> {
            if (!helpers.enter()) {
                return; // started after the calling thread finished: nothing left to do
            }
            try {
                runTasks(task, count, next, stop, failures);
            } catch (Throwable e) {
                stop.set(true);
                synchronized (workerFailure) {
                    workerFailure[0] = e;
                }
            } finally {
                helpers.exit();
            }
        };
        RejectedExecutionException rejected = null;
        try {
            for (int w = 1; w < workers; w++) {
                executor.execute(worker);
            }
        } catch (RejectedExecutionException e) {
            rejected = e;
            stop.set(true);
        }
        boolean interrupted = false;
        boolean failedHere = false;
        Throwable callerFailure = null;
        try {
            while (rejected == null && !stop.get()) {
                if (Thread.currentThread().isInterrupted()) {
                    interrupted = true;
                    stop.set(true);
                    break;
                }
                int i = next.getAndIncrement();
                if (i >= count) {
                    break;
                }
                failedHere = !runTask(task, i, stop, failures);
            }
            // The helpers may have taken every task before this thread took one: look once more.
            if (!interrupted && !failedHere && rejected == null && Thread.currentThread().isInterrupted()) {
                interrupted = true;
                stop.set(true);
            }
        } catch (Throwable e) {
            stop.set(true);
            callerFailure = e;
        }
        // Helpers stop at their next task boundary once stop is set; a task is well under a millisecond.
        helpers.closeAndAwait();
        if (callerFailure != null) {
            throw rethrowable(callerFailure);
        }
        synchronized (workerFailure) {
            if (workerFailure[0] != null) {
                throw new IllegalStateException("a worker thread of the pass failed: " + workerFailure[0], workerFailure[0]);
            }
        }
        if (rejected != null) {
            throw new RejectedExecutionException("executor: rejected a worker thread of the pass (" + rejected
                    + "); the pass was stopped and gives no result: pass a running executor, or threads(1)", rejected);
        }
        if (interrupted) {
            throw interruption();
        }
        for (Throwable failure : failures) {
            if (failure != null) {
                throw rethrowable(failure);
            }
        }
    }

    /** A helper's loop: tasks until none is left or the pass stops (looked at before a task is taken). */
    private static void runTasks(IntConsumer task, int count, AtomicInteger next, AtomicBoolean stop,
            Throwable[] failures) {
        while (!stop.get()) {
            int i = next.getAndIncrement();
            if (i >= count || !runTask(task, i, stop, failures)) {
                return;
            }
        }
    }

    /** Runs task i; false if it failed, its exception kept for its index and the pass stopped. */
    private static boolean runTask(IntConsumer task, int i, AtomicBoolean stop, Throwable[] failures) {
        try {
            task.accept(i);
            return true;
        } catch (RuntimeException e) {
            failures[i] = e;
            stop.set(true);
            return false;
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

    /** Throws {@link CancellationException} if the calling thread is interrupted (its status is left set). */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw interruption();
        }
    }

    private static CancellationException interruption() {
        return new CancellationException("interrupted: the pass stopped between two tasks and gives no result (the"
                + " thread's interrupt status is still set)");
    }
}
