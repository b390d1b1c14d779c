package org.dice4j.cli;

/** The few JSON forms the command line prints: numbers (NaN and infinities as null), lists and matrices. */
final class Json {
    private Json() {}

    /** The shortest round-tripping decimal form, or null for NaN and infinities. */
    static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String string(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append(c < 0x20 ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c)
                        : String.valueOf(c));
            }
        }
        return json.append('"').toString();
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
