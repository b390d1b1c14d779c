package org.dice4j.internal;

/**
 * The per-(image, class) counts of the hard metric, laid out as the counting pass writes them ({@link CountPass}:
 * {@link CountPass#COUNTS} values a term). The public {@code MetricResult} reads them here, so that only this class and
 * the kernels know the layout. Not an API: internal to dice4j.
 */
public final class CountTable {
    private final int images;
    private final int classes;
    private final long[] values;

    /** A table over {@code values} (not copied). */
    public CountTable(int images, int classes, long[] values) {
        this.images = images;
        this.classes = classes;
        this.values = values;
    }

    public int images() {
        return images;
    }

    public int classes() {
        return classes;
    }

    /** |A∩B| of (image, class). */
    public long intersection(int image, int c) {
        return values[(image * classes + c) * CountPass.COUNTS + CountPass.INTERSECTION];
    }

    /** |A|, the predicted voxels of (image, class). */
    public long predicted(int image, int c) {
        return values[(image * classes + c) * CountPass.COUNTS + CountPass.PREDICTED];
    }

    /** |B|, the target voxels of (image, class). */
    public long target(int image, int c) {
        return values[(image * classes + c) * CountPass.COUNTS + CountPass.TARGET];
    }
}
