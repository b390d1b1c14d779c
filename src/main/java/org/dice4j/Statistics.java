package org.dice4j;

import org.dice4j.internal.StatisticsPass;

/**
 * The sufficient statistics of one forward pass, per (image, class): intersection {@code I = Σ p·g}, prediction
 * sum {@code P = Σ p^q}, target sum {@code G = Σ g^q} and, for the soft-label formulation, the soft intersection
 * {@code Σ min(p, g)} (the spec's {@code (P + G − A)/2} with {@code A = Σ |p − g|}, summed directly so that no
 * cancellation occurs), over the unmasked voxels. Always per image, also when the loss uses batch statistics. Immutable.
 */
public final class Statistics {
    private final int images;
    private final int classes;
    private final double[] values;
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

    Statistics(int images, int classes, double[] values, Kind kind) {
        this.images = images;
        this.classes = classes;
        this.values = values;
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /** The raw values, as the kernels lay them out (not copied: package-private). */
    double[] values() {
        return values;
    }

    public int images() {
        return images;
    }

    public int classes() {
        return classes;
    }

    /** {@code I[n,c] = Σ p·g}. */
    public double intersection(int image, int c) {
        return get(image, c, StatisticsPass.INTERSECTION);
    }

    /** {@code P[n,c] = Σ p^q}. */
    public double predSum(int image, int c) {
        return get(image, c, StatisticsPass.PRED_SUM);
    }

    /** {@code G[n,c] = Σ g^q}. */
    public double targetSum(int image, int c) {
        return get(image, c, StatisticsPass.TARGET_SUM);
    }

    /** {@code Σ min(p, g)} of (n, c); 0 unless the loss uses the soft-label formulation. */
    public double softIntersection(int image, int c) {
        return get(image, c, StatisticsPass.SOFT_INTERSECTION);
    }

    /**
     * The cross-entropy summed over the unmasked voxels of an image: {@code −Σ_c g·ln p} per voxel (softmax) or the
     * binary cross-entropy with logits of every element (sigmoid); 0 unless the loss has a cross-entropy part.
     */
    public double crossEntropy(int image) {
        return get(image, 0, StatisticsPass.CROSS_ENTROPY);
    }

    /** The unmasked voxels of an image; 0 unless the loss has a cross-entropy part (the only one that counts them). */
    public double countedVoxels(int image) {
        return get(image, 0, StatisticsPass.VOXELS);
    }

    /** All intersections as an images × classes matrix. */
    public double[][] intersection() {
        return matrix(StatisticsPass.INTERSECTION);
    }

    /** All prediction sums as an images × classes matrix. */
    public double[][] predSum() {
        return matrix(StatisticsPass.PRED_SUM);
    }

    /** All target sums as an images × classes matrix. */
    public double[][] targetSum() {
        return matrix(StatisticsPass.TARGET_SUM);
    }

    /** All soft intersections as an images × classes matrix. */
    public double[][] softIntersection() {
        return matrix(StatisticsPass.SOFT_INTERSECTION);
    }

    private double get(int image, int c, int statistic) {
        if (image < 0 || image >= images || c < 0 || c >= classes) {
            throw new IndexOutOfBoundsException("(image, class) = (" + image + ", " + c + ") outside " + images
                    + " × " + classes);
        }
        return values[(image * classes + c) * StatisticsPass.STATS + statistic];
    }

    private double[][] matrix(int statistic) {
        double[][] matrix = new double[images][classes];
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < classes; c++) {
                matrix[n][c] = values[(n * classes + c) * StatisticsPass.STATS + statistic];
            }
        }
        return matrix;
    }
}
