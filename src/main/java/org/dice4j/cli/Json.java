package org.dice4j.cli;

/** The few JSON forms the command line prints: numbers (NaN and infinities as null), lists and matrices. */
final class Json {
    private Json() {}

    /** The shortest round-tripping decimal form, or null for NaN and infinities. */
    static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    static String list(double[] values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ", ").append(number(values[i]));
        }
        return text.append(']').toString();
    }

    static String matrix(double[][] values) {
        StringBuilder text = new StringBuilder("[");
        for (int row = 0; row < values.length; row++) {
            text.append(row == 0 ? "" : ", ").append(list(values[row]));
        }
        return text.append(']').toString();
    }
}
