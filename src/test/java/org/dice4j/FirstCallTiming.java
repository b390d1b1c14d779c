package org.dice4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * A library user's first calls in a fresh JVM: the time of each of the first {@code calls} forwardBackward calls of
 * a softmax Dice loss against a uint8 label map (the first is the cold start a training loop's first step pays), and
 * the time from JVM start to the first result. Not a test: run it with
 * {@code java [--add-modules jdk.incubator.vector] -cp target/classes:target/test-classes
 * org.dice4j.FirstCallTiming N C SIDE THREADS CALLS} (docs/benchmarks.md, "Cold start").
 */
public final class FirstCallTiming {
    private FirstCallTiming() {}

    public static void main(String[] args) {
        long images = Long.parseLong(args[0]);
        long classes = Long.parseLong(args[1]);
        long side = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        int calls = Integer.parseInt(args[4]);
        long voxels = side * side * side;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate(images * classes * voxels * Float.BYTES, 64);
            MemorySegment labels = arena.allocate(images * voxels, 64);
            MemorySegment gradient = arena.allocate(logits.byteSize(), 64);
            SplittableRandom random = new SplittableRandom(19);
            for (long i = 0; i < images * classes * voxels; i++) {
                logits.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
            }
            for (long i = 0; i < images * voxels; i++) {
                labels.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt((int) classes));
            }
            gradient.fill((byte) 0);
            Tensor z = Tensor.of(logits, DType.FLOAT32, images, classes, side, side, side);
            Tensor y = Tensor.of(labels, DType.UINT8, images, side, side, side);
            Tensor g = Tensor.of(gradient, DType.FLOAT32, images, classes, side, side, side);
            DiceLoss loss = DiceLoss.builder().threads(threads).build();
            StringBuilder line = new StringBuilder(loss.kernelName());
            for (int call = 0; call < calls; call++) {
                long start = System.nanoTime();
                double value = loss.forwardBackward(z, y, g).loss();
                line.append(String.format(" %.1f", (System.nanoTime() - start) / 1e6));
                if (call == 0) {
                    line.append(String.format(" (first result %d ms after JVM start, loss %s)",
                            System.currentTimeMillis() - ProcessHandle.current().info().startInstant()
                                    .orElseThrow().toEpochMilli(), value));
                }
            }
            System.out.println(line);
        }
    }
}
