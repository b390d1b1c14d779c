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
 * A shared arena closed while a call reads it: the FFM API makes the next access throw; the call reports which
 * tensor's arena was closed (an {@link IllegalStateException} with the FFM error as its cause), never a crash, a
 * hang or a result, and a gradient buffer is filled with NaN. The close is made deterministic by an executor that
 * closes the arena when the pass hands out its helpers (the pass is then under way); closing from another thread
 * at a random moment gives the same error (seen by hand), or the pre-call check's if the call had not started.
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
        assertEquals("logits: its arena was closed during the call (by another thread); the call gives no result",
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
        assertEquals("prediction: its arena was closed during the call (by another thread); the call gives no result",
                thrown.getMessage());
    }
}
