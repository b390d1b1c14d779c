package org.dice4j;

import org.dice4j.internal.StatisticsTable;

/**
 * The sufficient statistics of one forward pass, per (image, class): intersection {@code I = Σ p·g}, prediction
 * sum {@code P = Σ p^q}, target sum {@code G = Σ g^q} and, for the soft-label formulation, the soft intersection
 * {@code Σ min(p, g)} (the spec's {@code (P + G − A)/2} with {@code A = Σ |p − g|}, summed directly so that no
 * cancellation occurs), over the unmasked voxels. Always per image, also when the loss uses batch statistics. Immutable.
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

    Kind kind() {
        return kind;
    }

    /** The raw values, as the kernels lay them out (not copied: package-private). */
    double[] values() {
        return table.values();
    }

    /** The values with their layout (not copied). */
    StatisticsTable table() {
        return table;
    }

    public int images() {
        return table.images();
    }

    public int classes() {
        return table.classes();
    }

    /** {@code I[n,c] = Σ p·g}. */
    public double intersection(int image, int c) {
        checkTerm(image, c);
        return table.intersection(image, c);
    }

    /** {@code P[n,c] = Σ p^q}. */
    public double predSum(int image, int c) {
        checkTerm(image, c);
        return table.predSum(image, c);
    }

    /** {@code G[n,c] = Σ g^q}. */
    public double targetSum(int image, int c) {
        checkTerm(image, c);
        return table.targetSum(image, c);
    }

    /** {@code Σ min(p, g)} of (n, c); 0 unless the loss uses the soft-label formulation. */
    public double softIntersection(int image, int c) {
        checkTerm(image, c);
        return table.softIntersection(image, c);
    }

    /**
     * The cross-entropy summed over the unmasked voxels of an image: {@code −Σ_c g·ln p} per voxel (softmax) or the
     * binary cross-entropy with logits of every element (sigmoid); 0 unless the loss has a cross-entropy part.
     */
    public double crossEntropy(int image) {
        checkTerm(image, 0);
        return table.crossEntropy(image);
    }

    /** The unmasked voxels of an image; 0 unless the loss has a cross-entropy part (the only one that counts them). */
    public double countedVoxels(int image) {
        checkTerm(image, 0);
        return table.voxels(image);
    }

    /** All intersections as an images × classes matrix. */
    public double[][] intersection() {
        return matrix(table::intersection);
    }

    /** All prediction sums as an images × classes matrix. */
    public double[][] predSum() {
        return matrix(table::predSum);
    }

    /** All target sums as an images × classes matrix. */
    public double[][] targetSum() {
        return matrix(table::targetSum);
    }

    /** All soft intersections as an images × classes matrix. */
    public double[][] softIntersection() {
        return matrix(table::softIntersection);
    }

    private void checkTerm(int image, int c) {
        if (image < 0 || image >= images() || c < 0 || c >= classes()) {
            throw new IndexOutOfBoundsException("(image, class) = (" + image + ", " + c + ") outside " + images()
                    + " × " + classes());
        }
    }

    private double[][] matrix(StatisticOf statistic) {
        double[][] matrix = new double[images()][classes()];
        for (int n = 0; n < images(); n++) {
            for (int c = 0; c < classes(); c++) {
                matrix[n][c] = statistic.of(n, c);
            }
        }
        return matrix;
    }

    /** One statistic of the table, by (image, class). */
    private interface StatisticOf {
        double of(int image, int c);
    }
}
