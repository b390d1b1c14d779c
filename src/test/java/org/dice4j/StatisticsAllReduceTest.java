package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.dice4j.testing.Bits;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training on simulated workers: each worker computes the statistics of its images, the workers
 * all-reduce (sum) the statistics' arrays, and every worker evaluates the loss and its share of the gradient from the
 * sum. The loss, the terms and the gradient have the bits of one call over the whole batch.
 */
class StatisticsAllReduceTest {
    private static final int IMAGES = 6;
    private static final int CLASSES = 4;
    private static final long[] SPATIAL = {3, 37};
    private static final int VOXELS = 3 * 37;
    /** Each worker's first image; the last worker ends at IMAGES. Uneven on purpose. */
    private static final int[] FIRST_IMAGES = {0, 1, 4};

    private final float[] logits = new float[IMAGES * CLASSES * VOXELS];
    private final byte[] labels = new byte[IMAGES * VOXELS];

    StatisticsAllReduceTest() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextDouble(-4, 4);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (random.nextInt(10) == 0 ? 255 : random.nextInt(CLASSES));
        }
    }

    private static List<DiceLoss> losses() {
        DiceLoss.Builder ignoring = DiceLoss.builder().ignoreIndex(255);
        return List.of(DiceLoss.multiClass().toBuilder().ignoreIndex(255).build(),
                ignoring.batch(true).build(),
                ignoring.batch(false).includeBackground(false).lambdaCrossEntropy(0.5).build(),
                ignoring.lambdaCrossEntropy(0).generalized(GeneralizedWeight.SQUARE).build(),
                ignoring.clearGeneralized().softLabel(true).reduction(Reduction.SUM).classWeights(1, 2, 0.5, 1).build());
    }

    private Tensor logits(int first, int count) {
        long bytes = (long) CLASSES * VOXELS * Float.BYTES;
        return Tensor.of(MemorySegment.ofArray(logits).asSlice(first * bytes, count * bytes), DType.FLOAT32,
                count, CLASSES, SPATIAL[0], SPATIAL[1]);
    }

    private Tensor labels(int first, int count) {
        return Tensor.of(MemorySegment.ofArray(labels).asSlice((long) first * VOXELS, (long) count * VOXELS),
                DType.UINT8, count, SPATIAL[0], SPATIAL[1]);
    }

    private static Tensor gradient(float[] gradient, int first, int count) {
        long bytes = (long) CLASSES * VOXELS * Float.BYTES;
        return Tensor.of(MemorySegment.ofArray(gradient).asSlice(first * bytes, count * bytes), DType.FLOAT32,
                count, CLASSES, SPATIAL[0], SPATIAL[1]);
    }

    private static int count(int worker) {
        return (worker + 1 < FIRST_IMAGES.length ? FIRST_IMAGES[worker + 1] : IMAGES) - FIRST_IMAGES[worker];
    }

    @Test
    void workersThatAllReduceTheirStatisticsGetTheLossAndGradientBitsOfOneCall() {
        for (boolean reference : new boolean[] {false, true}) {
            for (DiceLoss chosen : losses()) {
                DiceLoss loss = chosen.toBuilder().referenceKernels(reference).build();
                float[] whole = new float[logits.length];
                LossResult single = loss.forwardBackward(logits(0, IMAGES), labels(0, IMAGES),
                        gradient(whole, 0, IMAGES));

                Statistics merged = allReduce(loss);
                LossResult fromMerged = loss.loss(merged);
                assertEquals(Bits.hex(single.loss()), Bits.hex(fromMerged.loss()), loss.toString());
                assertEquals(Bits.hex(single.terms()), Bits.hex(fromMerged.terms()), loss.toString());
                float[] shares = new float[logits.length];
                for (int worker = 0; worker < FIRST_IMAGES.length; worker++) {
                    int first = FIRST_IMAGES[worker];
                    loss.tileGradient(merged, first, logits(first, count(worker)), labels(first, count(worker)),
                            gradient(shares, first, count(worker)), 1.0);
                }
                assertArrayEquals(whole, shares, loss.toString());
            }
        }
    }

    /** Each worker's statistics in its own rows of an N-image table, summed array by array as an all-reduce does. */
    private Statistics allReduce(DiceLoss loss) {
        double[][][] matrices = new double[4][IMAGES][CLASSES];
        double[][] vectors = new double[2][IMAGES];
        Statistics byPlus = null;
        for (int worker = 0; worker < FIRST_IMAGES.length; worker++) {
            int first = FIRST_IMAGES[worker];
            Statistics local = loss.statistics(logits(first, count(worker)), labels(first, count(worker)));
            Statistics placed = loss.accumulator(IMAGES, CLASSES).add(local, first).statistics();
            add(matrices[0], placed.intersection());
            add(matrices[1], placed.predSum());
            add(matrices[2], placed.targetSum());
            add(matrices[3], placed.softIntersection());
            add(vectors[0], placed.crossEntropy());
            add(vectors[1], placed.countedVoxels());
            byPlus = byPlus == null ? placed : byPlus.plus(placed);
        }
        Statistics merged = Statistics.of(loss, matrices[0], matrices[1], matrices[2], matrices[3], vectors[0],
                vectors[1]);
        assertEquals(text(byPlus), text(merged), "plus and the array all-reduce agree");
        return merged;
    }

    private static void add(double[][] sum, double[][] values) {
        for (int n = 0; n < sum.length; n++) {
            add(sum[n], values[n]);
        }
    }

    private static void add(double[] sum, double[] values) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += values[i];
        }
    }

    private static String text(Statistics s) {
        return Bits.hex(s.intersection()) + "|" + Bits.hex(s.predSum()) + "|" + Bits.hex(s.targetSum()) + "|"
                + Bits.hex(s.softIntersection()) + "|" + Bits.hex(s.crossEntropy()) + "|"
                + Bits.hex(s.countedVoxels());
    }

    @Test
    void statisticsRebuiltFromTheirArraysAreTheSame() {
        DiceLoss loss = DiceLoss.builder().lambdaCrossEntropy(1).softLabel(true).ignoreIndex(255).build();
        Statistics s = loss.statistics(logits(0, IMAGES), labels(0, IMAGES));
        Statistics rebuilt = Statistics.of(loss, s.intersection(), s.predSum(), s.targetSum(), s.softIntersection(),
                s.crossEntropy(), s.countedVoxels());
        assertEquals(text(s), text(rebuilt));
        assertEquals(Bits.hex(loss.loss(s).loss()), Bits.hex(loss.loss(rebuilt).loss()));
    }

    @Test
    void mismatchedStatisticsAreRefusedNamingTheArgument() {
        DiceLoss loss = DiceLoss.multiClass().toBuilder().ignoreIndex(255).build();
        Statistics s = loss.statistics(logits(0, 2), labels(0, 2));
        double[][] matrix = new double[2][CLASSES];
        double[] vector = new double[2];
        assertEquals("predSum: expected 2 × 4 values (the intersection's shape), got 3 in row 1",
                assertThrows(IllegalArgumentException.class, () -> Statistics.of(loss, matrix,
                        new double[][] {new double[4], new double[3]}, matrix, matrix, vector, vector)).getMessage());
        assertEquals("countedVoxels: expected 2 values (one per image of the intersection), got 1",
                assertThrows(IllegalArgumentException.class, () -> Statistics.of(loss, matrix, matrix, matrix, matrix,
                        vector, new double[1])).getMessage());
        assertEquals("intersection: expected 1 ≤ images, 1 ≤ classes ≤ 4096 and at most 65536 terms (the loss's"
                + " limits), got 0 × 0", assertThrows(IllegalArgumentException.class, () -> Statistics.of(loss,
                        new double[0][], matrix, matrix, matrix, vector, vector)).getMessage());
        assertEquals("other: expected 2 × 4 terms, got 1 × 4", assertThrows(IllegalArgumentException.class,
                () -> s.plus(loss.statistics(logits(0, 1), labels(0, 1)))).getMessage());
        Statistics squared = loss.toBuilder().squared(true).build().statistics(logits(0, 2), labels(0, 2));
        assertEquals("other: expected sums of kind [SOFTMAX], got [SOFTMAX, squared]",
                assertThrows(IllegalArgumentException.class, () -> s.plus(squared)).getMessage());
    }
}
