package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.dice4j.internal.KernelProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A shared arena closed while a call is under way: the FFM API makes the next access throw; the call reports which
 * tensor's arena was closed (an {@link IllegalStateException} with the FFM error as its cause), never a crash, a
 * hang or a result, and a gradient buffer is filled with NaN. The deterministic cases close the arena from the
 * executor, as the pass hands out its helpers (on the calling thread, before its first read); the racing case closes
 * it from another thread while calls run in a loop, where the close may land before a call (the pre-call check's
 * error) or during one (ours).
 */
class ArenaClosedDuringCallTest {
    private static final long[] SHAPE = {2, 4, 40_000};
    private static ForkJoinPool pool;

    @BeforeAll
    static void startPool() {
        pool = new ForkJoinPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Closes {@code arena} when the pass asks for a helper thread, then lets the helper run (it fails too). */
    private static Executor closing(Arena arena) {
        return task -> {
            arena.close();
            pool.execute(task);
        };
    }

    private static MemorySegment logits(Arena arena) {
        MemorySegment logits = arena.allocate(2 * 4 * 40_000 * Float.BYTES);
        for (long i = 0; i < 2 * 4 * 40_000; i++) {
            logits.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
        }
        return logits;
    }

    @Test
    void aLossCallNamesTheTensorWhoseArenaWasClosedAndLeavesNoPartialGradient() {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the reference kernels never ask an executor");
        Tensor labels = Tensor.ofUint8(new byte[2 * 40_000], 2, 40_000);
        Arena arena = Arena.ofShared();
        Tensor logits = Tensor.of(logits(arena), DType.FLOAT32, SHAPE);
        DiceLoss loss = DiceLoss.builder().threads(2).executor(closing(arena)).build();
        IllegalStateException forward = assertThrows(IllegalStateException.class, () -> loss.forward(logits, labels));
        assertEquals("logits: its arena was closed during the call; the call gives no result",
                forward.getMessage());

        Arena again = Arena.ofShared();
        Tensor reopened = Tensor.of(logits(again), DType.FLOAT32, SHAPE);
        float[] gradient = new float[2 * 4 * 40_000];
        IllegalStateException backward = assertThrows(IllegalStateException.class, () -> loss.toBuilder()
                .executor(closing(again)).build().forwardBackward(reopened, labels, Tensor.of(gradient, SHAPE)));
        assertEquals(forward.getMessage(), backward.getMessage());
        for (float value : gradient) {
            assertEquals(Float.floatToRawIntBits(Float.intBitsToFloat(-1)), Float.floatToRawIntBits(value));
        }
    }

    @Test
    void aMetricCallNamesThePredictionWhoseArenaWasClosed() {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the reference kernels never ask an executor");
        Arena arena = Arena.ofShared();
        Tensor scores = Tensor.of(logits(arena), DType.FLOAT32, SHAPE);
        DiceMetric metric = DiceMetric.builder().threads(2).executor(closing(arena)).build();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> metric.compute(scores, Tensor.ofUint8(new byte[2 * 40_000], 2, 40_000)));
        assertEquals("prediction: its arena was closed during the call; the call gives no result",
                thrown.getMessage());
    }

    @Test
    void anArenaClosedByAnotherThreadMidCallGivesOneOfTheTwoErrorsNeverAResultOrACrash() throws Exception {
        Tensor labels = Tensor.ofUint8(new byte[2 * 40_000], 2, 40_000);
        for (int threads = 1; threads <= 2; threads++) {
            Arena arena = Arena.ofShared();
            Tensor logits = Tensor.of(logits(arena), DType.FLOAT32, SHAPE);
            DiceLoss loss = DiceLoss.builder().threads(threads).executor(pool).build();
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                arena.close();
            });
            closer.start();
            RuntimeException failure = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    loss.lossValue(logits, labels);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            // Cleared so that join can wait; HotSpot's status set with the error was put back (ArenaClosedInterruptTest).
            boolean interrupted = Thread.interrupted();
            closer.join();
            org.junit.jupiter.api.Assertions.assertNotNull(failure, "the closed arena was never noticed");
            org.junit.jupiter.api.Assertions.assertFalse(interrupted, "the caller was left interrupted: " + failure);
            String message = failure.getMessage();
            org.junit.jupiter.api.Assertions.assertTrue(
                    (failure instanceof IllegalStateException && message.equals(
                            "logits: its arena was closed during the call; the call gives no result"))
                    || (failure instanceof IllegalArgumentException
                            && message.equals("logits: the segment's arena is closed")), failure.toString());
        }
    }
}
