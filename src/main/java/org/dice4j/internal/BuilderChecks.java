package org.dice4j.internal;

import java.util.Objects;

/**
 * The checks the builders of DiceLoss and DiceMetric share, so that the same option fails with the same message in
 * both: an {@link IllegalArgumentException} naming the option, the expected and the actual value, or a
 * {@link NullPointerException} for a missing value that says how to unset the option instead. Not an API: internal
 * to dice4j.
 */
public final class BuilderChecks {
    private BuilderChecks() {}

    /** {@code value}, a finite number ≥ 0. */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": expected a finite value ≥ 0, got " + value);
        }
        return value;
    }

    /** {@code value}, a finite number. */
    public static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": expected a finite value, got " + value);
        }
        return value;
    }

    /** {@code value}, at least 1. */
    public static int atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": expected a value ≥ 1, got " + value);
        }
        return value;
    }

    /** {@code value}, not null: an option is unset by its {@code clear} method, never by null. */
    public static <T> T present(String name, T value) {
        return Objects.requireNonNull(value, () -> name + ": null; clear" + Character.toUpperCase(name.charAt(0))
                + name.substring(1) + "() restores the default");
    }

    /** {@code value}, not null, for an option that always has a value. */
    public static <T> T required(String name, T value) {
        return Objects.requireNonNull(value, name);
    }

    /** A copy of class weights {@code w[c] ≥ 0}, finite. */
    public static double[] classWeights(double[] weights) {
        present("classWeights", weights);
        for (int c = 0; c < weights.length; c++) {
            if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                throw new IllegalArgumentException("classWeights: expected finite values ≥ 0, got " + weights[c]
                        + " for class " + c);
            }
        }
        return weights.clone();
    }
}
