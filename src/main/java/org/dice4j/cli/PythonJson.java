package org.dice4j.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as Python's {@code json.dump(value, f, sort_keys=True, indent=4)} writes it, so that a file can be compared
 * with one nnU-Net wrote: keys sorted by code point, four spaces per level, {@code ", "} never at a line end,
 * floats as Python's {@code repr} (shortest round-trip digits; exponent form below 1e-4 and from 1e16 on), NaN and
 * infinities as the bare tokens {@code NaN}, {@code Infinity}, {@code -Infinity}, non-ASCII characters escaped.
 * Values: maps with String keys, lists, Long or Integer, Double, String, Boolean.
 */
final class PythonJson {
    private static final Comparator<String> CODE_POINTS = PythonJson::compareCodePoints;

    private PythonJson() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        switch (value) {
            case Map<?, ?> map -> writeMap(out, map, depth);
            case List<?> list -> writeList(out, list, depth);
            case Double number -> out.append(repr(number));
            case Long number -> out.append(number);
            case Integer number -> out.append(number);
            case Boolean flag -> out.append(flag ? "true" : "false");
            case String text -> out.append(string(text));
            default -> throw new IllegalArgumentException("not a JSON value: " + value);
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<String> keys = new ArrayList<>();
        map.keySet().forEach(key -> keys.add((String) key));
        keys.sort(CODE_POINTS);
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
            out.append(i == 0 ? "" : ",").append('\n').append("    ".repeat(depth + 1)).append(string(keys.get(i)))
                    .append(": ");
            write(out, map.get(keys.get(i)), depth + 1);
        }
        out.append('\n').append("    ".repeat(depth)).append('}');
    }

    private static void writeList(StringBuilder out, List<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ",").append('\n').append("    ".repeat(depth + 1));
            write(out, list.get(i), depth + 1);
        }
        out.append('\n').append("    ".repeat(depth)).append(']');
    }

    /** Python's {@code repr(float)}; Java's Double.toString gives the same shortest digits (JDK 19 on). */
    static String repr(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        if (decimal.precision() == 2) {
            // Java keeps two digits where one would do if two are closer (4.9E-324); Python keeps the one (5e-324).
            BigDecimal one = decimal.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            decimal = one.doubleValue() == Math.abs(value) ? one.stripTrailingZeros() : decimal;
        }
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = decimal.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return String.format(Locale.ROOT, "%s%se%s%02d", sign, mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
    }

    /** A string as json.dumps writes it with ensure_ascii: every character outside space..~ escaped. */
    static String string(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            int simple = "\"\\\n\r\t\b\f".indexOf(c);
            if (simple >= 0) {
                out.append('\\').append("\"\\nrtbf".charAt(simple));
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Python's string order: by code point (Java's compareTo orders UTF-16 units, which differs above U+FFFF). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
