package org.dice4j.internal;

/**
 * The per-(image, class) statistics of a loss, laid out as the statistics pass writes them ({@link StatisticsPass}:
 * {@link StatisticsPass#STATS} values a term). The public {@code Statistics} and the loss arithmetic read them here, so
 * that only this class and the kernels know the layout. Not an API: internal to dice4j.
 */
public final class StatisticsTable {
    private final int images;
    private final int classes;
    private final double[] values;

    /** A table over {@code values} (not copied), at least {@link #length} long. */
    public StatisticsTable(int images, int classes, double[] values) {
        this.images = images;
        this.classes = classes;
        this.values = values;
    }

    /** A table of zeros. */
    public static StatisticsTable zeros(int images, int classes) {
        return new StatisticsTable(images, classes, new double[length(images, classes)]);
    }

    /** The values a table of {@code images × classes} terms holds. */
    public static int length(int images, int classes) {
        return images * classes * StatisticsPass.STATS;
    }

    public int images() {
        return images;
    }

    public int classes() {
        return classes;
    }

    /** The raw values (not copied). */
    public double[] values() {
        return values;
    }

    public double intersection(int image, int c) {
        return get(image, c, StatisticsPass.INTERSECTION);
    }

    public double predSum(int image, int c) {
        return get(image, c, StatisticsPass.PRED_SUM);
    }

    public double targetSum(int image, int c) {
        return get(image, c, StatisticsPass.TARGET_SUM);
    }

    public double softIntersection(int image, int c) {
        return get(image, c, StatisticsPass.SOFT_INTERSECTION);
    }

    /** The image's cross-entropy sum (kept in class 0's row). */
    public double crossEntropy(int image) {
        return get(image, 0, StatisticsPass.CROSS_ENTROPY);
    }

    /** The image's unmasked voxels (kept in class 0's row). */
    public double voxels(int image) {
        return get(image, 0, StatisticsPass.VOXELS);
    }

    /**
     * Statistic {@code k} (a StatisticsPass index) of class c summed over images {@code from … to − 1}, from 0 in
     * image order: the sums of a batch term, or one image's value.
     */
    public double sum(int from, int to, int c, int k) {
        double sum = 0.0;
        for (int n = from; n < to; n++) {
            sum += get(n, c, k);
        }
        return sum;
    }

    /** Adds {@code tile}'s values (same classes) to the terms of images {@code firstImage …}. */
    public void add(StatisticsTable tile, int firstImage) {
        double[] added = tile.values;
        int offset = length(firstImage, classes);
        for (int i = 0; i < length(tile.images, tile.classes); i++) {
            values[offset + i] += added[i];
        }
    }

    /** A copy holding only this table's own terms. */
    public StatisticsTable copy() {
        return new StatisticsTable(images, classes, java.util.Arrays.copyOf(values, length(images, classes)));
    }

    private double get(int image, int c, int statistic) {
        return values[(image * classes + c) * StatisticsPass.STATS + statistic];
    }
}
