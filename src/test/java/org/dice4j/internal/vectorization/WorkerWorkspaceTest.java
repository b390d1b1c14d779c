package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Worker threads keep their scratch across calls, and nothing of the caller's. The common fork-join pool's workers
 * erase their thread-locals after every task, so a workspace held in a thread-local was rebuilt on every call (52 KB
 * per call on two threads, native staging included); kept in a map instead, a workspace must not hold the caller's
 * tensors past the call.
 */
class WorkerWorkspaceTest {
    private static final long BOUND_PER_CALL = 4096;

    /**
     * Not a timing test: allocated bytes per call, taken after the JIT has settled (the interpreter allocates the
     * vectors it does not intrinsify), with a bound far below a workspace and far above the few objects a parallel
     * call creates (about 300 bytes).
     */
    @Test
    void aCallOnTwoThreadsDoesNotRebuildTheWorkersScratch() {
        VectorKernelsFixture.requireVectorKernels();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long images = 2;
        long classes = 14;
        long voxels = 32 * 32 * 32;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate(images * classes * voxels * Float.BYTES, 64);
            MemorySegment labels = arena.allocate(images * voxels, 64);
            MemorySegment gradient = arena.allocate(images * classes * voxels * Float.BYTES, 64);
            SplittableRandom random = new SplittableRandom(5);
            for (long i = 0; i < images * classes * voxels; i++) {
                logits.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian() * 4);
            }
            for (long i = 0; i < images * voxels; i++) {
                labels.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt((int) classes));
            }
            Tensor z = Tensor.of(logits, DType.FLOAT32, images, classes, 32, 32, 32);
            Tensor y = Tensor.of(labels, DType.UINT8, images, 32, 32, 32);
            Tensor g = Tensor.of(gradient, DType.FLOAT32, images, classes, 32, 32, 32);
            DiceLoss loss = DiceLoss.multiClass().toBuilder().threads(2).build();
            long best = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 20_000_000_000L;
            int calls = 50;
            while (best > BOUND_PER_CALL && System.nanoTime() < deadline) {
                long before = threads.getTotalThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    loss.lossValueAndGradient(z, y, g);
                }
                best = Math.min(best, (threads.getTotalThreadAllocatedBytes() - before) / calls);
            }
            assertTrue(best <= BOUND_PER_CALL, "forward+backward on two threads allocates " + best
                    + " bytes per call at best, expected at most " + BOUND_PER_CALL);
        }
    }

    /** A heap tensor given to a 2-thread call becomes unreachable once the caller lets go of it. */
    @Test
    void theWorkersKeepNoReferenceToTheCallersTensors() throws InterruptedException {
        java.lang.ref.WeakReference<float[]> logits = callOnTwoThreadsWithAHeapTensor();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (logits.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(logits.get() == null, "the logits array is still reachable after the call");
    }

    private static java.lang.ref.WeakReference<float[]> callOnTwoThreadsWithAHeapTensor() {
        int images = 2;
        int classes = 4;
        int voxels = 40_000;
        float[] logits = new float[images * classes * voxels];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        byte[] labels = new byte[images * voxels];
        DiceLoss.multiClass().toBuilder().threads(2).build()
                .lossValue(Tensor.of(logits, images, classes, voxels), Tensor.ofUint8(labels, images, voxels));
        return new java.lang.ref.WeakReference<>(logits);
    }
}
