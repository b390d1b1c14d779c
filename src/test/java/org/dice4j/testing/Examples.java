package org.dice4j.testing;

/**
 * How many examples a property draws, by one rule: a share of {@code -Ddice4j.test.examples} (default 300), never
 * below {@link #MINIMUM}. A longer run raises every property alike (e.g. {@code -Ddice4j.test.examples=3000}); a
 * quick one still draws a few examples of each. The share says how expensive an example is, relative to the others.
 */
public final class Examples {
    private Examples() {}

    /** The examples of a property of standard cost. */
    public static final int BASE = Integer.getInteger("dice4j.test.examples", 300);

    /** The fewest examples any property draws. */
    public static final int MINIMUM = 30;

    /** {@link #BASE} examples: a property of standard cost. */
    public static int standard() {
        return scaled(1, 1);
    }

    /** {@code numerator / denominator} of {@link #BASE}, at least {@link #MINIMUM}. */
    public static int scaled(int numerator, int denominator) {
        return Math.max(MINIMUM, BASE * numerator / denominator);
    }
}
