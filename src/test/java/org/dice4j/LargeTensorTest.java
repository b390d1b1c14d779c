package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A tensor of more than 2^31 elements through the sigmoid path, off-heap: (1, 1, 2^31 + 4099) float32 logits (8.6 GB)
 * and a uint8 label map (2.1 GB). The logits are 0 (p = 1/2) except the last K voxels, 80 (p = 1 in float), which
 * are also the only foreground; every statistic is then exact in float blocks and in double, so the test asserts
 * exact values: P = (S − K)/2 + K, G = K, I = K. Every index past 2^31 (the image's voxels, the labels, the scalar
 * tail past the last full vector) takes part. Skipped, with the reason, where the machine has less than 12 GB
 * available.
 */
class LargeTensorTest {
    private static final long VOXELS = (1L << 31) + 4099;
    private static final int FOREGROUND = 1000;

    private static long availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc/meminfo: fall through.
        }
        return 0;
    }

    @Test
    void aTensorBeyondTwoToTheThirtyOneElementsHasExactStatistics() {
        long available = availableBytes();
        assumeTrue(available >= 12L << 30, "needs 12 GB of available memory for 10.7 GB of tensors, "
                + (available >> 20) + " MB available");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate(VOXELS * Float.BYTES, 64); // zeroed: p = 1/2
            MemorySegment labels = arena.allocate(VOXELS, 64);
            for (long v = VOXELS - FOREGROUND; v < VOXELS; v++) {
                logits.setAtIndex(ValueLayout.JAVA_FLOAT, v, 80f);
                labels.set(ValueLayout.JAVA_BYTE, v, (byte) 1);
            }
            DiceLoss loss = DiceLoss.builder().activation(Activation.SIGMOID).threads(2).build();
            Statistics statistics = loss.forward(Tensor.of(logits, DType.FLOAT32, 1, 1, VOXELS),
                    Tensor.of(labels, DType.UINT8, 1, VOXELS)).statistics();
            assertEquals((VOXELS - FOREGROUND) / 2.0 + FOREGROUND, statistics.predSum(0, 0));
            assertEquals(FOREGROUND, statistics.targetSum(0, 0));
            assertEquals(FOREGROUND, statistics.intersection(0, 0));
        }
    }
}
