package org.dice4j.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Python call syntax the upstream cases write their losses in: keyword arguments, lists, quoted strings. */
final class PythonArguments {

    private PythonArguments() {
    }

    static double[] parseNumbers(String list) {
        String body = list.trim();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            throw new IllegalArgumentException("expected a list, got " + list);
        }
        return Arrays.stream(body.substring(1, body.length() - 1).split(",")).map(String::trim)
                .mapToDouble(Double::parseDouble).toArray();
    }

    static String unquote(String value) {
        if (value == null) {
            throw new IllegalArgumentException("missing argument");
        }
        String v = value.trim();
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Python keyword arguments {@code a=1, b=[1, 2], c='x'} (no nested parentheses). */
    static Map<String, String> kwargs(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        for (String part : topLevelParts(text)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got '" + part.trim() + "' in " + text);
            }
            result.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return result;
    }

    /** {@code text} split at the commas outside brackets. */
    private static List<String> topLevelParts(String text) {
        int depth = 0;
        int start = 0;
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '[' || ch == '(' || ch == '{') {
                depth++;
            } else if (ch == ']' || ch == ')' || ch == '}') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
