package org.dice4j.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small RFC 8259 JSON parser for the configuration files the command line reads (nnU-Net's dataset.json): objects
 * as insertion-ordered maps (a repeated key keeps its last value, as Python's json does), arrays as lists, numbers
 * as BigDecimal, strings, booleans and null. Errors say where.
 */
final class JsonReader {
    private static final int MAX_DEPTH = 200;
    private final String text;
    private int at;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The value of {@code text}, or an IllegalArgumentException with the offset of the problem. */
    static Object parse(String text) {
        JsonReader reader = new JsonReader(text);
        Object value = reader.value();
        reader.blanks();
        if (reader.at != text.length()) {
            throw reader.error("text after the JSON value");
        }
        return value;
    }

    private Object value() {
        blanks();
        if (at >= text.length()) {
            throw error("the text ends where a value was expected");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> nested(this::object);
            case '[' -> nested(this::array);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> number();
        };
    }

    private Object nested(java.util.function.Supplier<Object> parser) {
        if (++depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels");
        }
        Object value = parser.get();
        depth--;
        return value;
    }

    private Object object() {
        Map<String, Object> object = new LinkedHashMap<>();
        at++;
        blanks();
        if (peek('}')) {
            return object;
        }
        do {
            blanks();
            if (at >= text.length() || text.charAt(at) != '"') {
                throw error("expected a string key");
            }
            String key = string();
            blanks();
            expect(':');
            object.put(key, value());
            blanks();
        } while (peek(','));
        expect('}');
        return object;
    }

    private Object array() {
        List<Object> array = new ArrayList<>();
        at++;
        blanks();
        if (peek(']')) {
            return array;
        }
        do {
            array.add(value());
            blanks();
        } while (peek(','));
        expect(']');
        return array;
    }

    private String string() {
        StringBuilder out = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("a control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char escape = text.charAt(at++);
            int simple = "\"\\/bfnrt".indexOf(escape);
            if (simple >= 0) {
                out.append("\"\\/\b\f\n\r\t".charAt(simple));
            } else if (escape == 'u' && at + 4 <= text.length()) {
                try {
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                } catch (NumberFormatException e) {
                    throw error("a bad \\u escape");
                }
                at += 4;
            } else {
                throw error("a bad escape \\" + escape);
            }
        }
        throw error("the text ends inside a string");
    }

    private Object number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String digits = text.substring(start, at);
        if (!digits.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            at = start;
            throw error("expected a value");
        }
        return new BigDecimal(digits);
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("expected a value");
        }
        at += word.length();
        return value;
    }

    private boolean peek(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private void blanks() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("invalid JSON at character " + at + ": " + problem);
    }
}
