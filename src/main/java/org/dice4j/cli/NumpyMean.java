package org.dice4j.cli;

/**
 * numpy's {@code mean} and {@code nanmean} of a 1-D float64 array, summed in numpy's order so that the bits agree:
 * numpy's pairwise sum (fewer than 8 elements one after the other from 0, blocks of up to 128 in 8 interleaved
 * accumulators, larger ones split in halves at a multiple of 8). {@code nanmean} sums with NaN replaced by 0
 * and divides by the count of the others; it is NaN when every value is NaN.
 */
final class NumpyMean {
    private static final int BLOCK = 128;

    private NumpyMean() {}

    static double mean(double[] values) {
        return sum(values) / values.length;
    }

    static double nanmean(double[] values) {
        double[] zeroed = new double[values.length];
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            boolean nan = Double.isNaN(values[i]);
            zeroed[i] = nan ? 0 : values[i];
            count += nan ? 0 : 1;
        }
        return count == 0 ? Double.NaN : sum(zeroed) / count;
    }

    private static double sum(double[] values) {
        return pairwise(values, 0, values.length);
    }

    private static double pairwise(double[] a, int start, int n) {
        if (n < 8) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += a[start + i];
            }
            return sum;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, start, r, 0, 8);
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[start + i + j];
                }
            }
            double sum = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += a[start + i];
            }
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwise(a, start, half) + pairwise(a, start + half, n - half);
    }
}
