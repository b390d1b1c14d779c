package org.dice4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
     * <p>The calling thread's interrupt status is checked before each task it takes: once interrupted, no task starts
     * any more (on any thread) and the call throws {@link CancellationException}, the status left set. An executor
     * that rejects a worker stops the pass the same way, with a {@link RejectedExecutionException}. Either way some
     * tasks may have run: callers that write output clean up (see DiceLoss).
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
        RuntimeException[] failures = new RuntimeException[count];
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count && !stop.get(); i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        };
        List<CompletableFuture<Void>> helpers = new ArrayList<>();
        RejectedExecutionException rejected = null;
        try {
            for (int w = 1; w < workers; w++) {
                helpers.add(CompletableFuture.runAsync(worker, executor));
            }
        } catch (RejectedExecutionException e) {
            rejected = e;
            stop.set(true);
        }
        boolean interrupted = false;
        for (int i = rejected != null ? count : next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            if (Thread.currentThread().isInterrupted()) {
                interrupted = true;
                stop.set(true);
                break;
            }
            try {
                task.accept(i);
            } catch (RuntimeException e) {
                failures[i] = e;
            }
        }
        // The helpers may have taken every task before this thread took one: look once more.
        if (!interrupted && rejected == null && Thread.currentThread().isInterrupted()) {
            interrupted = true;
            stop.set(true);
        }
        // Helpers stop at their next task boundary once stop is set; a task is well under a millisecond.
        for (CompletableFuture<Void> helper : helpers) {
            try {
                helper.join();
            } catch (CompletionException | CancellationException e) {
                throw new IllegalStateException("a worker thread of the pass failed: " + e.getCause(), e);
            }
        }
        if (rejected != null) {
            throw new RejectedExecutionException("executor: rejected a worker thread of the pass (" + rejected
                    + "); the pass was stopped and gives no result: pass a running executor, or threads(1)", rejected);
        }
        if (interrupted) {
            throw interruption();
        }
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
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
