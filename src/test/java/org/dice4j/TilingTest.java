package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Tolerances;
import org.junit.jupiter.api.Test;

/**
 * Streaming statistics: any tiling of an input (blocks of voxels, groups of images, both) accumulated with
 * {@link StatisticsAccumulator} gives the loss of the whole input, and {@link DiceLoss#tileGradient} gives each
 * tile the whole input's gradient. Tolerance: the tiles' sums are added in a different order than the whole pass
 * adds them, so the statistics agree to their own accuracy (1e-5 relative on the vector kernels, rounding in double on
 * the reference), which the loss and its gradient amplify by a bounded factor: 1e-4 absolute + 1e-4 relative for the
 * loss and terms, 1e-4 of the largest gradient element for each element (1e-9 on the reference).
 */
class TilingTest {
    /** A tile: images [n0, n1), voxels [v0, v1) of the flattened spatial axis. */
    private record Tile(int n0, int n1, int v0, int v1) {}

    @Test
    void anyTilingGivesTheWholeInputsLossAndGradient() {
        qt().withExamples(Examples.scaled(1, 3))
                .forAll(Problems.problems(), longs().all()).checkAssert((problem, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            Instance instance = problem.instance();
            int images = (int) problem.shape()[0];
            int classes = (int) problem.classes();
            int voxels = (int) (instance.logits().elementCount() / images / classes);
            boolean dense = instance.target().dtype() == DType.FLOAT32;
            DiceLoss chosen = Problems.randomLoss(problem, random);
            if (chosen.reduction() == Reduction.NONE) {
                chosen = chosen.toBuilder().reduction(Reduction.MEAN).build();
            }
            Tensor logits = Tensor.of(instance.logits().segment(), DType.FLOAT32, images, classes, voxels);
            Tensor target = dense ? Tensor.of(instance.target().segment(), DType.FLOAT32, images, classes, voxels)
                    : Tensor.of(instance.target().segment(), instance.target().dtype(), images, voxels);
            int[] imageCuts = cuts(images, random);
            int[] voxelCuts = cuts(voxels, random);
            for (DiceLoss loss : new DiceLoss[] {chosen, chosen.toBuilder().referenceKernels(true).build()}) {
                double tolerance = loss.kernelName().equals("vector") ? 1e-4 : 1e-9;
                String context = problem + " " + loss + " images " + Arrays.toString(imageCuts) + " voxels "
                        + Arrays.toString(voxelCuts);
                StatisticsAccumulator accumulator = loss.accumulator(images, classes);
                for (int a = 0; a + 1 < imageCuts.length; a++) {
                    for (int b = 0; b + 1 < voxelCuts.length; b++) {
                        Tile tile = new Tile(imageCuts[a], imageCuts[a + 1], voxelCuts[b], voxelCuts[b + 1]);
                        accumulator.add(slice(logits, tile, classes, true), slice(target, tile, classes, dense), tile.n0);
                    }
                }
                LossResult whole = loss.forward(logits, target);
                LossResult tiled = accumulator.result();
                Tolerances.assertClose(whole.loss(), tiled.loss(), tolerance, "loss of " + context);
                for (int row = 0; row < whole.rows(); row++) {
                    for (int column = 0; column < whole.columns(); column++) {
                        Tolerances.assertClose(whole.term(row, column), tiled.term(row, column), tolerance,
                                "term " + row + "," + column + " of " + context);
                    }
                }
                float[] expected = new float[images * classes * voxels];
                loss.forwardBackward(logits, target, Tensor.of(expected, images, classes, voxels), 0.5);
                double largest = Tolerances.largestFinite(expected);
                Statistics statistics = accumulator.statistics();
                for (int a = 0; a + 1 < imageCuts.length; a++) {
                    for (int b = 0; b + 1 < voxelCuts.length; b++) {
                        Tile tile = new Tile(imageCuts[a], imageCuts[a + 1], voxelCuts[b], voxelCuts[b + 1]);
                        int tileImages = tile.n1 - tile.n0;
                        int tileVoxels = tile.v1 - tile.v0;
                        float[] gradient = new float[tileImages * classes * tileVoxels];
                        loss.tileGradient(statistics, tile.n0, slice(logits, tile, classes, true),
                                slice(target, tile, classes, dense), Tensor.of(gradient, tileImages, classes, tileVoxels),
                                0.5);
                        for (int n = 0; n < tileImages; n++) {
                            for (int c = 0; c < classes; c++) {
                                for (int v = 0; v < tileVoxels; v++) {
                                    double want = expected[((tile.n0 + n) * classes + c) * voxels + tile.v0 + v];
                                    double got = gradient[(n * classes + c) * tileVoxels + v];
                                    if (!Tolerances.gradientClose(want, got, tolerance, largest)) {
                                        throw new AssertionError("gradient of image " + (tile.n0 + n) + ", class " + c
                                                + ", voxel " + (tile.v0 + v) + ": whole " + want + ", tile " + got
                                                + " (largest " + largest + ") in " + context);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void statisticsOfAnotherKindOrShapeAreRefused() {
        DiceLoss dice = DiceLoss.builder().build();
        Statistics squared = DiceLoss.builder().squared(true).build()
                .statistics(Tensor.of(new float[8], 1, 2, 4), Tensor.ofUint8(new byte[4], 1, 4));
        String kind = assertThrows(IllegalArgumentException.class, () -> dice.loss(squared)).getMessage();
        assertEquals("statistics: expected sums of kind [SOFTMAX] for this loss, got [SOFTMAX, squared]", kind);
        StatisticsAccumulator accumulator = dice.accumulator(2, 2);
        String mixed = assertThrows(IllegalArgumentException.class, () -> accumulator.add(squared, 0)).getMessage();
        assertEquals("tile: expected sums of kind [SOFTMAX], got [SOFTMAX, squared]", mixed);
        String range = assertThrows(IllegalArgumentException.class, () -> accumulator.add(Tensor.of(new float[8], 1, 2, 4),
                Tensor.ofUint8(new byte[4], 1, 4), 2)).getMessage();
        assertEquals("firstImage: images 2 … 2 of the tile are outside the accumulator's 0 … 1", range);
        float[] gradient = {7f, 7f, 7f, 7f, 7f, 7f, 7f, 7f};
        String outside = assertThrows(IllegalArgumentException.class, () -> dice.tileGradient(accumulator.statistics(),
                2, Tensor.of(new float[8], 1, 2, 4), Tensor.ofUint8(new byte[4], 1, 4), Tensor.of(gradient, 1, 2, 4), 1))
                .getMessage();
        assertTrue(outside.startsWith("firstImage: images 2 … 2 of the tile are outside the statistics' 0 … 1"), outside);
        for (float value : gradient) {
            assertEquals(7f, value, "nothing written");
        }
    }

    @Test
    void statisticsFromSeveralWorkersAddUp() {
        // Two "workers" each see one half of the voxels of the same two images; their accumulators combine.
        float[] logits = new float[2 * 3 * 40];
        byte[] labels = new byte[2 * 40];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i * 1.3) * 3;
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i * 7 % 3);
        }
        DiceLoss loss = DiceLoss.builder().lambdaCrossEntropy(0.5).referenceKernels(true).build();
        Tensor z = Tensor.of(logits, 2, 3, 40);
        Tensor y = Tensor.ofUint8(labels, 2, 40);
        StatisticsAccumulator total = loss.accumulator(2, 3);
        for (int half = 0; half < 2; half++) {
            Tile tile = new Tile(0, 2, half * 20, half * 20 + 20);
            StatisticsAccumulator worker = loss.accumulator(2, 3)
                    .add(slice(z, tile, 3, true), slice(y, tile, 3, false), 0);
            total.add(worker.statistics(), 0);
        }
        assertEquals(loss.forward(z, y).loss(), total.result().loss(), 1e-12);
        assertEquals(loss.forward(z, y).crossEntropy(), total.result().crossEntropy(), 1e-12);
    }

    /** 0 = c0 < c1 < … < ck = size: up to three cuts at random places. */
    private static int[] cuts(int size, SplittableRandom random) {
        TreeSet<Integer> cuts = new TreeSet<>(java.util.List.of(0, size));
        for (int k = random.nextInt(4); k > 0 && size > 1; k--) {
            cuts.add(1 + random.nextInt(size - 1));
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A copy of the tile's block: (tile images, C, tile voxels) for logits and dense targets, (images, voxels) for labels. */
    private static Tensor slice(Tensor whole, Tile tile, int classes, boolean perClass) {
        int images = tile.n1 - tile.n0;
        int voxels = tile.v1 - tile.v0;
        int wholeVoxels = (int) whole.size(whole.rank() - 1);
        int channels = perClass ? classes : 1;
        long elementBytes = whole.dtype().byteSize();
        MemorySegment copy = MemorySegment.ofArray(new byte[(int) (images * channels * voxels * elementBytes)]);
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < channels; c++) {
                MemorySegment.copy(whole.segment(), ((long) ((tile.n0 + n) * channels + c) * wholeVoxels + tile.v0) * elementBytes,
                        copy, ((long) (n * channels + c) * voxels) * elementBytes, voxels * elementBytes);
            }
        }
        return perClass ? Tensor.of(copy, whole.dtype(), images, classes, voxels) : Tensor.of(copy, whole.dtype(), images, voxels);
    }
}
