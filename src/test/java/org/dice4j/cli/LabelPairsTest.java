package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.dice4j.Tensor;
import org.dice4j.testing.Examples;
import org.junit.jupiter.api.Test;

/**
 * The joint histogram's counts of any region equal a direct count over the voxels, for uint8 maps (the run-length
 * path) and int32 maps with labels outside 0..255 (the sparse path), with and without an ignore label.
 */
class LabelPairsTest {
    @Test
    void regionCountsEqualADirectCount() {
        qt().withExamples(Examples.standard()).forAll(integers().between(0, 400), integers().between(0, 3), longs().all())
                .checkAssert(this::check);
    }

    private void check(int voxels, int kind, long seed) {
        Random random = new Random(seed);
        boolean bytes = kind < 2;
        int[] labels = bytes ? new int[] {0, 1, 2, 3, 255} : new int[] {0, 1, 2, 300, -5, 70000};
        long[] prediction = new long[voxels];
        long[] reference = new long[voxels];
        for (int i = 0; i < voxels; i++) {
            // Runs of a repeated value, as in label maps, and changes at random.
            prediction[i] = i > 0 && random.nextInt(3) > 0 ? prediction[i - 1] : labels[random.nextInt(labels.length)];
            reference[i] = i > 0 && random.nextInt(3) > 0 ? reference[i - 1] : labels[random.nextInt(labels.length)];
        }
        Long ignore = kind % 2 == 0 ? null : (long) labels[random.nextInt(labels.length)];
        long[] region = random.ints(1 + random.nextInt(3), 0, labels.length).mapToLong(i -> labels[i]).distinct().toArray();
        LabelPairs pairs = LabelPairs.count(tensor(prediction, bytes), tensor(reference, bytes), ignore);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < voxels; i++) {
            if (ignore != null && reference[i] == ignore) {
                continue;
            }
            boolean p = contains(region, prediction[i]);
            boolean g = contains(region, reference[i]);
            tp += p && g ? 1 : 0;
            fp += p && !g ? 1 : 0;
            fn += !p && g ? 1 : 0;
            tn += !p && !g ? 1 : 0;
        }
        assertEquals(new LabelPairs.Counts(tp, fp, fn, tn), pairs.counts(region));
    }

    private static Tensor tensor(long[] labels, boolean bytes) {
        if (bytes) {
            byte[] data = new byte[labels.length];
            for (int i = 0; i < labels.length; i++) {
                data[i] = (byte) labels[i];
            }
            return Tensor.ofUint8(data, labels.length);
        }
        return Tensor.of(java.util.Arrays.stream(labels).mapToInt(v -> (int) v).toArray(), labels.length);
    }

    private static boolean contains(long[] region, long label) {
        return java.util.Arrays.stream(region).anyMatch(member -> member == label);
    }
}
