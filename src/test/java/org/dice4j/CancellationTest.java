package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import org.dice4j.internal.KernelProvider;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An interrupt of the calling thread, or an executor that rejects a worker, stops a call with a clear exception and
 * leaves no partial output: no result, and a gradient buffer filled with NaN (never half written). The interrupt
 * status stays set. On one thread, on several, and on the reference kernels (the fallback without the Vector API).
 */
class CancellationTest {
    private static ForkJoinPool pool;

    @BeforeAll
    static void startPool() {
        pool = new ForkJoinPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** Large enough to be cut into many tasks and handed to other threads (2 × 4 × 40 000 logits). */
    private static Instance instance() {
        return new Problems.Problem(new long[] {2, 4, 40_000}, Activation.SOFTMAX, Problems.TargetKind.UINT8,
                Problems.IgnoreMode.SOME, true, 42).instance();
    }

    private static float[] filled(Instance instance, float value) {
        float[] gradient = new float[(int) instance.logits().elementCount()];
        java.util.Arrays.fill(gradient, value);
        return gradient;
    }

    private static void assertAllNaN(float[] gradient) {
        for (int i = 0; i < gradient.length; i++) {
            if (!Float.isNaN(gradient[i])) {
                throw new AssertionError("gradient element " + i + " is " + gradient[i] + ", expected NaN");
            }
        }
    }

    @Test
    void anInterruptedCallerGetsACancellationExceptionAndKeepsItsInterruptStatus() {
        Instance instance = instance();
        for (DiceLoss loss : new DiceLoss[] {
                DiceLoss.builder().ignoreIndex(255).build(),
                DiceLoss.builder().ignoreIndex(255).threads(3).executor(pool).build(),
                DiceLoss.builder().ignoreIndex(255).referenceKernels(true).build()}) {
            Thread.currentThread().interrupt();
            CancellationException forward = assertThrows(CancellationException.class,
                    () -> loss.forward(instance.logits(), instance.target()), loss::toString);
            assertTrue(forward.getMessage().startsWith("interrupted: "), forward.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            float[] gradient = filled(instance, 1f);
            assertThrows(CancellationException.class, () -> loss.forwardBackward(instance.logits(), instance.target(),
                    Tensor.of(gradient, 2, 4, 40_000)), loss::toString);
            assertAllNaN(gradient);
            assertTrue(Thread.interrupted());
            // Once the status is cleared, the same loss works again.
            loss.forward(instance.logits(), instance.target());
        }
    }

    @Test
    void anInterruptDuringAParallelPassStopsItBetweenTasks() {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the reference kernels run on the calling thread only");
        Instance instance = instance();
        Thread caller = Thread.currentThread();
        // The executor interrupts the caller while the pass hands out its first tasks: the caller notices before
        // taking a task, and the helpers stop at their next task boundary.
        Executor interrupting = task -> {
            caller.interrupt();
            pool.execute(task);
        };
        DiceLoss loss = DiceLoss.builder().ignoreIndex(255).threads(3).executor(interrupting).build();
        float[] gradient = filled(instance, 1f);
        assertThrows(CancellationException.class, () -> loss.lossValueAndGradient(instance.logits(), instance.target(),
                Tensor.of(gradient, 2, 4, 40_000)));
        assertTrue(Thread.interrupted());
        assertAllNaN(gradient);
    }

    @Test
    void aRejectingExecutorIsAClearErrorAndLeavesNoPartialGradient() {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the reference kernels never ask the executor");
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        Instance instance = instance();
        DiceLoss loss = DiceLoss.builder().ignoreIndex(255).threads(4).executor(closed).build();
        RejectedExecutionException forward = assertThrows(RejectedExecutionException.class,
                () -> loss.lossValue(instance.logits(), instance.target()));
        assertTrue(forward.getMessage().startsWith("executor: rejected a worker thread of the pass"),
                forward.getMessage());
        float[] gradient = filled(instance, 1f);
        assertThrows(RejectedExecutionException.class, () -> loss.forwardBackward(instance.logits(), instance.target(),
                Tensor.of(gradient, 2, 4, 40_000)));
        assertAllNaN(gradient);
        // A pass too small to split never asks the executor.
        Instance small = new Problems.Problem(new long[] {1, 2, 64}, Activation.SOFTMAX, Problems.TargetKind.UINT8,
                Problems.IgnoreMode.NONE, true, 1).instance();
        assertEquals(DiceLoss.builder().build().lossValue(small.logits(), small.target()),
                loss.toBuilder().clearIgnoreIndex().build().lossValue(small.logits(), small.target()));
    }

    @Test
    void workersThatNeverStartAreNotWaitedFor() throws Exception {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the reference kernels never ask the executor");
        Instance instance = instance();
        double sequential = DiceLoss.builder().ignoreIndex(255).build().lossValue(instance.logits(), instance.target());
        // A saturated pool that silently discards the workers: the calling thread does every task.
        java.util.concurrent.ThreadPoolExecutor discarding = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
                new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        discarding.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            double discarded = DiceLoss.builder().ignoreIndex(255).threads(3).executor(discarding).build()
                    .lossValue(instance.logits(), instance.target());
            assertEquals(Double.doubleToRawLongBits(sequential), Double.doubleToRawLongBits(discarded));
        } finally {
            release.countDown();
            discarding.shutdown();
        }
        // A call made from inside a single-thread executor that is also the loss's executor: its worker can only
        // start after the call returns, so the call must not wait for it.
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            DiceLoss loss = DiceLoss.builder().ignoreIndex(255).threads(2).executor(single).build();
            double inside = single.submit(() -> loss.lossValue(instance.logits(), instance.target()))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Double.doubleToRawLongBits(sequential), Double.doubleToRawLongBits(inside));
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void aBadLabelFoundBeforeAnyWriteLeavesTheGradientAsItWas() {
        // The NaN fill is for failures after writing began; bad input still changes nothing.
        Instance instance = instance();
        instance.target().segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 12_345, (byte) 9);
        float[] gradient = filled(instance, 1f);
        assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().ignoreIndex(255).threads(3)
                .executor(pool).build().forwardBackward(instance.logits(), instance.target(),
                        Tensor.of(gradient, 2, 4, 40_000)));
        for (float value : gradient) {
            assertEquals(1f, value);
        }
    }
}
