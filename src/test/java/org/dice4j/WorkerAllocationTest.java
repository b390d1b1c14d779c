package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.dice4j.internal.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * Worker threads keep their scratch across calls. The common fork-join pool's workers erase their thread-locals after
 * every task, so a workspace held in a thread-local was rebuilt on every call (52 KB per call on two threads, native
 * staging included). Not a timing test: allocated bytes per call, taken after the JIT has settled (the interpreter
 * allocates the vectors it does not intrinsify), with a bound far below a workspace and far above the few objects a
 * parallel call creates (about 300 bytes).
 */
class WorkerAllocationTest {
    private static final long BOUND_PER_CALL = 4096;

    @Test
    void aCallOnTwoThreadsDoesNotRebuildTheWorkersScratch() {
        assumeTrue(KernelProvider.vector().isPresent(), "jdk.incubator.vector absent: this is the scalar-only run");
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
}
