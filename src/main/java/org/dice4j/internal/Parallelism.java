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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * How many threads a pass may use, and where they come from. Work is cut into tasks whose boundaries depend only on
 * the shape; {@link #run} executes tasks 0…count−1 on up to {@code threads} threads (the calling thread is one of
 * them) and rethrows the exception of the lowest-numbered failing task, so that errors, like results, do not depend
 * on the thread count.
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

    /** Runs {@code task} for 0…count−1; each index exactly once, in no fixed order unless one thread is used. */
    public void run(int count, IntConsumer task) {
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        RuntimeException[] failures = new RuntimeException[count];
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        };
        List<CompletableFuture<Void>> helpers = new ArrayList<>();
        try {
            for (int w = 1; w < workers; w++) {
                helpers.add(CompletableFuture.runAsync(worker, executor));
            }
        } catch (RejectedExecutionException e) {
            // The tasks still all run, on the threads that were accepted and on this one.
        }
        worker.run();
        for (CompletableFuture<Void> helper : helpers) {
            try {
                helper.join();
            } catch (CompletionException | CancellationException e) {
                throw new IllegalStateException("a worker thread of the pass failed: " + e.getCause(), e);
            }
        }
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
