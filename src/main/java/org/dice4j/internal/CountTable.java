package org.dice4j.internal;

/**
 * The per-(image, class) counts of the hard metric, laid out as the counting pass writes them ({@link CountPass}:
 * {@link CountPass#COUNTS} values a term). The public {@code MetricResult} reads them here, so that only this class and
 * the kernels know the layout. Not an API: internal to dice4j.
 */
public final class CountTable extends TermTable {
    private final long[] values;

    /** A table over {@code values} (not copied). */
    public CountTable(int images, int classes, long[] values) {
        super(images, classes, CountPass.COUNTS);
        this.values = values;
    }

    /** |A∩B| of (image, class). */
    public long intersection(int image, int c) {
        return values[index(image, c, CountPass.INTERSECTION)];
    }

    /** |A|, the predicted voxels of (image, class). */
    public long predicted(int image, int c) {
        return values[index(image, c, CountPass.PREDICTED)];
    }

    /** |B|, the target voxels of (image, class). */
    public long target(int image, int c) {
        return values[index(image, c, CountPass.TARGET)];
    }
}
