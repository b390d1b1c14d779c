package org.dice4j;

import org.dice4j.internal.CountTable;

/**
 * The outcome of a {@link DiceMetric}: per (image, class) hard Dice and IoU (NaN for an empty target when empty
 * targets are ignored), their reductions over the non-NaN entries, and the counts they come from. Columns are
 * classes, or classes 1…C−1 when the background is excluded. Immutable.
 */
public final class MetricResult {
    private final double[][] dice;
    private final double[][] iou;
    private final long[][] intersection;
    private final long[][] predicted;
    private final long[][] target;
    private final int firstClass;
    private final MetricReduction reduction;

    private MetricResult(double[][] dice, double[][] iou, long[][] intersection, long[][] predicted, long[][] target,
            int firstClass, MetricReduction reduction) {
        this.dice = dice;
        this.iou = iou;
        this.intersection = intersection;
        this.predicted = predicted;
        this.target = target;
        this.firstClass = firstClass;
        this.reduction = reduction;
    }

    static MetricResult of(CountTable table, int firstClass, boolean ignoreEmpty, MetricReduction reduction) {
        int images = table.images();
        int columns = table.classes() - firstClass;
        double[][] dice = new double[images][columns];
        double[][] iou = new double[images][columns];
        long[][] intersection = new long[images][columns];
        long[][] predictedCounts = new long[images][columns];
        long[][] targetCounts = new long[images][columns];
        for (int n = 0; n < images; n++) {
            for (int column = 0; column < columns; column++) {
                long both = table.intersection(n, column + firstClass);
                long predicted = table.predicted(n, column + firstClass);
                long target = table.target(n, column + firstClass);
                intersection[n][column] = both;
                predictedCounts[n][column] = predicted;
                targetCounts[n][column] = target;
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
        return new MetricResult(dice, iou, intersection, predictedCounts, targetCounts, firstClass, reduction);
    }

    /** The per-(image, class) Dice matrix (a copy). */
    public double[][] dice() {
        return copy(dice);
    }

    /** The per-(image, class) IoU matrix (a copy). */
    public double[][] iou() {
        return copy(iou);
    }

    /**
     * The reduced Dice: one value ({@link MetricReduction#MEAN}: mean over the non-NaN classes of each image, then
     * over the images with a value), one per column ({@link MetricReduction#MEAN_BATCH}), or the flattened matrix
     * ({@link MetricReduction#NONE}). NaN where nothing is left to average.
     */
    public double[] reducedDice() {
        return reduce(dice);
    }

    /** As {@link #reducedDice()}, for IoU. */
    public double[] reducedIou() {
        return reduce(iou);
    }

    /** How many entries of the Dice matrix are not NaN. */
    public int notNan() {
        int count = 0;
        for (double[] row : dice) {
            for (double value : row) {
                count += Double.isNaN(value) ? 0 : 1;
            }
        }
        return count;
    }

    /** |A∩B| per (image, column). */
    public long[][] intersection() {
        return copy(intersection);
    }

    /** |A| (predicted voxels) per (image, column). */
    public long[][] predicted() {
        return copy(predicted);
    }

    /** |B| (target voxels) per (image, column). */
    public long[][] target() {
        return copy(target);
    }

    /** The class of column 0: 0, or 1 when the background is excluded. */
    public int firstClass() {
        return firstClass;
    }

    public MetricReduction reduction() {
        return reduction;
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

    private static double[][] copy(double[][] matrix) {
        double[][] copy = new double[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            copy[row] = matrix[row].clone();
        }
        return copy;
    }

    private static long[][] copy(long[][] matrix) {
        long[][] copy = new long[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            copy[row] = matrix[row].clone();
        }
        return copy;
    }
}
