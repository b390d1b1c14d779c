package org.dice4j;

import org.dice4j.internal.CountTable;
import org.dice4j.internal.Matrices;

/**
 * The outcome of a {@link DiceMetric}: per (image, class) hard Dice and IoU (NaN for an empty target when empty
 * targets are ignored), their reductions over the non-NaN entries, and the counts they come from. Columns are
 * classes, or classes 1…C−1 when the background is excluded. Immutable.
 */
public final class MetricResult {
    private final double[][] dice;
    private final double[][] iou;
    private final CountTable counts;
    private final int firstClass;
    private final MetricReduction reduction;

    private MetricResult(double[][] dice, double[][] iou, CountTable counts, int firstClass, MetricReduction reduction) {
        this.dice = dice;
        this.iou = iou;
        this.counts = counts;
        this.firstClass = firstClass;
        this.reduction = reduction;
    }

    static MetricResult of(CountTable table, int firstClass, boolean ignoreEmpty, MetricReduction reduction) {
        int images = table.images();
        int columns = table.classes() - firstClass;
        double[][] dice = new double[images][columns];
        double[][] iou = new double[images][columns];
        for (int n = 0; n < images; n++) {
            for (int column = 0; column < columns; column++) {
                long both = table.intersection(n, column + firstClass);
                long predicted = table.predicted(n, column + firstClass);
                long target = table.target(n, column + firstClass);
                if (target == 0) {
                    double empty = ignoreEmpty ? Double.NaN : predicted == 0 ? 1.0 : 0.0;
                    dice[n][column] = empty;
                    iou[n][column] = empty;
                } else {
                    dice[n][column] = 2.0 * both / (predicted + target);
                    iou[n][column] = (double) both / (predicted + target - both);
                }
            }
        }
        return new MetricResult(dice, iou, table, firstClass, reduction);
    }

    /** {@return the per-(image, column) Dice matrix, a copy: images × columns} */
    public double[][] dice() {
        return Matrices.copy(dice);
    }

    /** {@return the per-(image, column) IoU matrix, a copy: images × columns} */
    public double[][] iou() {
        return Matrices.copy(iou);
    }

    /**
     * The reduced Dice: one value ({@link MetricReduction#MEAN}: mean over the non-NaN classes of each image, then
     * over the images with a value), one per column ({@link MetricReduction#MEAN_BATCH}), or the flattened matrix
     * ({@link MetricReduction#NONE}). NaN where nothing is left to average. {@link #meanDice()} is the MEAN's value
     * as a number.
     *
     * @return a new array of 1, columns or images × columns values
     */
    public double[] reducedDice() {
        return reduce(dice);
    }

    /**
     * As {@link #reducedDice()}, for IoU.
     *
     * @return a new array of 1, columns or images × columns values
     */
    public double[] reducedIou() {
        return reduce(iou);
    }

    /**
     * The Dice of a {@link MetricReduction#MEAN} reduction as a number: {@code reducedDice()[0]}.
     *
     * @return the mean over the non-NaN classes of each image, then over the images; NaN if no entry is left
     * @throws IllegalStateException with MEAN_BATCH or NONE, which give several values: use {@link #reducedDice()}
     */
    public double meanDice() {
        return scalar(dice, "meanDice", "reducedDice");
    }

    /**
     * As {@link #meanDice()}, for IoU.
     *
     * @return the mean IoU; NaN if no entry is left
     * @throws IllegalStateException with MEAN_BATCH or NONE: use {@link #reducedIou()}
     */
    public double meanIou() {
        return scalar(iou, "meanIou", "reducedIou");
    }

    private double scalar(double[][] matrix, String name, String instead) {
        if (reduction != MetricReduction.MEAN) {
            throw new IllegalStateException(name + "() needs reduction MEAN, got " + reduction + ": use " + instead
                    + "()");
        }
        return reduce(matrix)[0];
    }

    /** {@return how many entries of the Dice matrix are not NaN} */
    public int notNan() {
        int count = 0;
        for (double[] row : dice) {
            for (double value : row) {
                count += Double.isNaN(value) ? 0 : 1;
            }
        }
        return count;
    }

    /** {@return |A∩B| per (image, column), a new matrix} */
    public long[][] intersection() {
        return matrix(counts::intersection);
    }

    /** {@return |A| (predicted voxels) per (image, column), a new matrix} */
    public long[][] predicted() {
        return matrix(counts::predicted);
    }

    /** {@return |B| (target voxels) per (image, column), a new matrix} */
    public long[][] target() {
        return matrix(counts::target);
    }

    /** {@return the class of column 0: 0, or 1 when the background is excluded} */
    public int firstClass() {
        return firstClass;
    }

    /** {@return the reduction of {@link #reducedDice()} and {@link #reducedIou()}} */
    public MetricReduction reduction() {
        return reduction;
    }

    /** One count of the table, by (image, class). */
    private interface CountOf {
        long of(int image, int c);
    }

    private long[][] matrix(CountOf count) {
        long[][] matrix = new long[counts.images()][counts.classes() - firstClass];
        for (int n = 0; n < matrix.length; n++) {
            for (int column = 0; column < matrix[n].length; column++) {
                matrix[n][column] = count.of(n, column + firstClass);
            }
        }
        return matrix;
    }

    private double[] reduce(double[][] matrix) {
        int rows = matrix.length;
        int columns = rows == 0 ? 0 : matrix[0].length;
        switch (reduction) {
            case MEAN -> {
                double[] perImage = new double[rows];
                for (int row = 0; row < rows; row++) {
                    perImage[row] = nanMean(matrix[row]);
                }
                return new double[] {nanMean(perImage)};
            }
            case MEAN_BATCH -> {
                double[] perClass = new double[columns];
                for (int column = 0; column < columns; column++) {
                    double[] values = new double[rows];
                    for (int row = 0; row < rows; row++) {
                        values[row] = matrix[row][column];
                    }
                    perClass[column] = nanMean(values);
                }
                return perClass;
            }
            default -> {
                double[] flat = new double[rows * columns];
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(matrix[row], 0, flat, row * columns, columns);
                }
                return flat;
            }
        }
    }

    private static double nanMean(double[] values) {
        double sum = 0;
        int count = 0;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                sum += value;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }
}
