package org.dice4j.internal;

/** Copies of the rows × columns matrices the results hand out, so that callers cannot change a result. Not an API. */
public final class Matrices {
    private Matrices() {}

    /** A deep copy of {@code matrix}. */
    public static double[][] copy(double[][] matrix) {
        double[][] copy = new double[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            copy[row] = matrix[row].clone();
        }
        return copy;
    }

    /** A deep copy of {@code matrix}. */
    public static long[][] copy(long[][] matrix) {
        long[][] copy = new long[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            copy[row] = matrix[row].clone();
        }
        return copy;
    }
}
