package org.dice4j.internal;

/**
 * The per-(image, class) statistics of a loss, laid out as the statistics pass writes them ({@link StatisticsPass}:
 * {@link StatisticsPass#STATS} values a term). The public {@code Statistics} and the loss arithmetic read them here, so
 * that only this class and the kernels know the layout. Not an API: internal to dice4j.
 */
public final class StatisticsTable extends TermTable {
    private final double[] values;

    /** A table over {@code values} (not copied), at least {@link #length} long. */
    public StatisticsTable(int images, int classes, double[] values) {
        super(images, classes, StatisticsPass.STATS);
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

    /** The raw values (not copied). */
    public double[] values() {
        return values;
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
        int offset = length(firstImage, classes());
        for (int i = 0; i < length(tile.images(), tile.classes()); i++) {
            values[offset + i] += added[i];
        }
    }

    /** A copy holding only this table's own terms. */
    public StatisticsTable copy() {
        return new StatisticsTable(images(), classes(), java.util.Arrays.copyOf(values, length(images(), classes())));
    }

    /** Sets statistic {@code k} (a StatisticsPass index) of (image, c). */
    public void set(int image, int c, int k, double value) {
        values[index(image, c, k)] = value;
    }

    /** Statistic {@code k} (a StatisticsPass index) of (image, c). */
    public double get(int image, int c, int k) {
        return values[index(image, c, k)];
    }
}
