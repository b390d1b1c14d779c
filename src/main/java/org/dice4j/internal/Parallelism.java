package org.dice4j.internal;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
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
     * way, with a {@link java.util.concurrent.RejectedExecutionException}. Either way some tasks may have run:
     * callers that write output clean up (see DiceLoss). A failing task stops the pass too: every task numbered below it was taken before it and
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
        new SharedPass(task, count).run(executor, workers);
    }

    /** Throws {@link CancellationException} if the calling thread is interrupted (its status is left set). */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw interruption();
        }
    }

    static CancellationException interruption() {
        return new CancellationException("interrupted: the pass stopped between two tasks and gives no result (the"
                + " thread's interrupt status is still set)");
    }
}
