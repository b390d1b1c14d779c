package org.dice4j;

import java.util.Objects;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.internal.StatisticsTable;

/**
 * The sufficient statistics of one forward pass, per (image, class): intersection {@code I = Σ p·g}, prediction
 * sum {@code P = Σ p^q}, target sum {@code G = Σ g^q} and, for the soft-label formulation, the soft intersection
 * {@code Σ min(p, g)} (that is {@code (P + G − A)/2} with {@code A = Σ |p − g|}, summed directly so that no
 * cancellation occurs), over the unmasked voxels; per image, the cross-entropy sum and the unmasked voxels when the
 * loss has a cross-entropy part. Always per image, also when the loss uses batch statistics. Immutable.
 *
 * <p>Every statistic is a sum over voxels, so statistics add up: {@link #plus} sums two of them, and
 * {@link #of} rebuilds them from the arrays the accessors return. A data-parallel trainer can therefore all-reduce
 * the arrays of its workers (each worker's images in their rows, zeros elsewhere), rebuild the sum, and give it to
 * {@link DiceLoss#loss(Statistics)} for the loss and to {@link DiceLoss#tileGradient} for each worker's share of the
 * gradient (docs/api.md, "Data-parallel training").
 */
public final class Statistics {
    private final StatisticsTable table;
    private final Kind kind;

    /**
     * What the sums are of: the activation, q = 2, the soft overlap, the cross-entropy. Statistics of different kinds
     * do not add up, and a loss only finalizes statistics of its own kind.
     */
    record Kind(Activation activation, boolean squared, boolean softIntersection, boolean crossEntropy) {
        @Override
        public String toString() {
            return activation + (squared ? ", squared" : "") + (softIntersection ? ", soft overlap" : "")
                    + (crossEntropy ? ", cross-entropy" : "");
        }
    }

    Statistics(StatisticsTable table, Kind kind) {
        this.table = table;
        this.kind = kind;
    }

    /**
     * Statistics of the kind {@code loss} computes, from arrays shaped as this class's accessors return them (for
     * instance after an all-reduce over workers). The arrays are copied.
     *
     * @param loss the loss whose kind of statistics these are (its activation for C classes, squared sums, soft
     *     overlap and cross-entropy setting)
     * @param intersection {@code I}, images × classes (N ≥ 1 rows of C ≥ 1 columns)
     * @param predSum {@code P}, images × classes
     * @param targetSum {@code G}, images × classes
     * @param softIntersection {@code Σ min(p, g)}, images × classes (zeros without the soft-label formulation)
     * @param crossEntropy the cross-entropy sum of each image, length N (zeros without a cross-entropy part)
     * @param countedVoxels the unmasked voxels of each image, length N (zeros without a cross-entropy part)
     * @return the statistics
     * @throws IllegalArgumentException for arrays of different or empty shapes, or more terms or classes than a
     *     loss takes in one call
     * @throws NullPointerException for a null loss or array
     */
    public static Statistics of(DiceLoss loss, double[][] intersection, double[][] predSum, double[][] targetSum,
            double[][] softIntersection, double[] crossEntropy, double[] countedVoxels) {
        Objects.requireNonNull(loss, "loss");
        int images = Objects.requireNonNull(intersection, "intersection").length;
        int classes = images == 0 || intersection[0] == null ? 0 : intersection[0].length;
        StatisticsAccumulator.checkSize("intersection", images, classes);
        StatisticsTable table = StatisticsTable.zeros(images, classes);
        fill(table, StatisticsPass.INTERSECTION, "intersection", intersection);
        fill(table, StatisticsPass.PRED_SUM, "predSum", predSum);
        fill(table, StatisticsPass.TARGET_SUM, "targetSum", targetSum);
        fill(table, StatisticsPass.SOFT_INTERSECTION, "softIntersection", softIntersection);
        fill(table, StatisticsPass.CROSS_ENTROPY, "crossEntropy", crossEntropy);
        fill(table, StatisticsPass.VOXELS, "countedVoxels", countedVoxels);
        return new Statistics(table, loss.kindFor(classes));
    }

    private static void fill(StatisticsTable table, int statistic, String name, double[][] values) {
        int classes = table.classes();
        if (Objects.requireNonNull(values, name).length != table.images()) {
            throw new IllegalArgumentException(name + ": expected " + table.images() + " × " + classes
                    + " values (the intersection's shape), got " + values.length + " rows");
        }
        for (int n = 0; n < values.length; n++) {
            if (values[n] == null || values[n].length != classes) {
                throw new IllegalArgumentException(name + ": expected " + table.images() + " × " + classes
                        + " values (the intersection's shape), got " + (values[n] == null ? "null" : values[n].length)
                        + " in row " + n);
            }
            for (int c = 0; c < classes; c++) {
                table.set(n, c, statistic, values[n][c]);
            }
        }
    }

    private static void fill(StatisticsTable table, int statistic, String name, double[] values) {
        if (Objects.requireNonNull(values, name).length != table.images()) {
            throw new IllegalArgumentException(name + ": expected " + table.images()
                    + " values (one per image of the intersection), got " + values.length);
        }
        for (int n = 0; n < values.length; n++) {
            table.set(n, 0, statistic, values[n]);
        }
    }

    /**
     * The sum of these statistics and {@code other}'s, term by term: the statistics of the union of the voxels both
     * were summed over (two tiles of the same images, or two workers' shards each in its own rows).
     *
     * @param other statistics of the same kind, images and classes
     * @return a new sum, {@code this + other} in each term
     * @throws IllegalArgumentException for statistics of another kind or shape
     * @throws NullPointerException for null
     */
    public Statistics plus(Statistics other) {
        Objects.requireNonNull(other, "other");
        if (other.images() != images() || other.classes() != classes()) {
            throw new IllegalArgumentException("other: expected " + images() + " × " + classes() + " terms, got "
                    + other.images() + " × " + other.classes());
        }
        if (!other.kind.equals(kind)) {
            throw new IllegalArgumentException("other: expected sums of kind [" + kind + "], got [" + other.kind + "]");
        }
        StatisticsTable sum = table.copy();
        sum.add(other.table, 0);
        return new Statistics(sum, kind);
    }

    Kind kind() {
        return kind;
    }

    /** The raw values, as the kernels lay them out (not copied: package-private, for the golden-bits records). */
    double[] values() {
        return table.values();
    }

    /** The values with their layout (not copied). */
    StatisticsTable table() {
        return table;
    }

    /** {@return N, the images of these statistics} */
    public int images() {
        return table.images();
    }

    /** {@return C, the classes of each image} */
    public int classes() {
        return table.classes();
    }

    /**
     * {@code I[n,c] = Σ p·g}.
     *
     * @param image the image n, in {@code [0, images())}
     * @param c the class, in {@code [0, classes())}
     * @return the intersection of the term
     * @throws IndexOutOfBoundsException for a term outside the statistics
     */
    public double intersection(int image, int c) {
        return value(image, c, StatisticsPass.INTERSECTION);
    }

    /**
     * {@code P[n,c] = Σ p^q}.
     *
     * @param image the image n, in {@code [0, images())}
     * @param c the class, in {@code [0, classes())}
     * @return the prediction sum of the term
     * @throws IndexOutOfBoundsException for a term outside the statistics
     */
    public double predSum(int image, int c) {
        return value(image, c, StatisticsPass.PRED_SUM);
    }

    /**
     * {@code G[n,c] = Σ g^q}.
     *
     * @param image the image n, in {@code [0, images())}
     * @param c the class, in {@code [0, classes())}
     * @return the target sum of the term
     * @throws IndexOutOfBoundsException for a term outside the statistics
     */
    public double targetSum(int image, int c) {
        return value(image, c, StatisticsPass.TARGET_SUM);
    }

    /**
     * {@code Σ min(p, g)} of (n, c); 0 unless the loss uses the soft-label formulation.
     *
     * @param image the image n, in {@code [0, images())}
     * @param c the class, in {@code [0, classes())}
     * @return the soft intersection of the term
     * @throws IndexOutOfBoundsException for a term outside the statistics
     */
    public double softIntersection(int image, int c) {
        return value(image, c, StatisticsPass.SOFT_INTERSECTION);
    }

    /**
     * The cross-entropy summed over the unmasked voxels of an image: {@code −Σ_c g·ln p} per voxel (softmax) or the
     * binary cross-entropy with logits of every element (sigmoid); 0 unless the loss has a cross-entropy part.
     *
     * @param image the image n, in {@code [0, images())}
     * @return the image's cross-entropy sum
     * @throws IndexOutOfBoundsException for an image outside the statistics
     */
    public double crossEntropy(int image) {
        return value(image, 0, StatisticsPass.CROSS_ENTROPY);
    }

    /**
     * The unmasked voxels of an image; 0 unless the loss has a cross-entropy part (the only one that counts them).
     *
     * @param image the image n, in {@code [0, images())}
     * @return the image's unmasked voxels
     * @throws IndexOutOfBoundsException for an image outside the statistics
     */
    public double countedVoxels(int image) {
        return value(image, 0, StatisticsPass.VOXELS);
    }

    /** {@return all intersections as a new images × classes matrix} */
    public double[][] intersection() {
        return matrix(StatisticsPass.INTERSECTION);
    }

    /** {@return all prediction sums as a new images × classes matrix} */
    public double[][] predSum() {
        return matrix(StatisticsPass.PRED_SUM);
    }

    /** {@return all target sums as a new images × classes matrix} */
    public double[][] targetSum() {
        return matrix(StatisticsPass.TARGET_SUM);
    }

    /** {@return all soft intersections as a new images × classes matrix} */
    public double[][] softIntersection() {
        return matrix(StatisticsPass.SOFT_INTERSECTION);
    }

    /** {@return the cross-entropy sum of each image, a new array of length N} */
    public double[] crossEntropy() {
        return vector(StatisticsPass.CROSS_ENTROPY);
    }

    /** {@return the unmasked voxels of each image, a new array of length N} */
    public double[] countedVoxels() {
        return vector(StatisticsPass.VOXELS);
    }

    private double value(int image, int c, int statistic) {
        if (image < 0 || image >= images() || c < 0 || c >= classes()) {
            throw new IndexOutOfBoundsException("(image, class) = (" + image + ", " + c + ") outside " + images()
                    + " × " + classes());
        }
        return table.get(image, c, statistic);
    }

    private double[][] matrix(int statistic) {
        double[][] matrix = new double[images()][classes()];
        for (int n = 0; n < images(); n++) {
            for (int c = 0; c < classes(); c++) {
                matrix[n][c] = table.get(n, c, statistic);
            }
        }
        return matrix;
    }

    private double[] vector(int statistic) {
        double[] vector = new double[images()];
        for (int n = 0; n < images(); n++) {
            vector[n] = table.get(n, 0, statistic);
        }
        return vector;
    }
}
