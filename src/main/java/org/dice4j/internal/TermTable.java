package org.dice4j.internal;

/**
 * A per-(image, class) table as a pass writes it: {@code width} values a term, term (n, c) at
 * {@code (n·classes + c)·width}. The loss's statistics ({@link StatisticsTable}) and the metric's counts
 * ({@link CountTable}) share this layout; only they and the kernels know it. Not an API: internal to dice4j.
 */
public abstract class TermTable {
    private final int images;
    private final int classes;
    private final int width;

    /** A table of {@code images × classes} terms of {@code width} values each. */
    protected TermTable(int images, int classes, int width) {
        this.images = images;
        this.classes = classes;
        this.width = width;
    }

    /** @return N, the images (rows) of the table */
    public final int images() {
        return images;
    }

    /** @return C, the classes of each image */
    public final int classes() {
        return classes;
    }

    /** The index of value {@code k} of term (image, c). */
    protected final int index(int image, int c, int k) {
        return (image * classes + c) * width + k;
    }
}
