package org.dice4j.cli;

/**
 * The body of one Python string or bytes literal, decoded as CPython 3.11 decodes it: newlines read as LF; unless
 * raw, the escapes backslash followed by one of {@code \ ' " a b f n r t v}, by 1 to 3 octal digits, by x and 2 hex
 * digits, and in strings by N{name}, u and 4 or U and 8 hex digits (an unknown escape stays as written); a
 * backslash before a newline continuing the line; ASCII only in bytes. A name is looked up only for printable
 * characters up to U+00FF: Java's Unicode name table is not Python's, and no header needs another.
 */
final class PythonString {
    private static final String SIMPLE_ESCAPES = "\\'\"abfnrtv";
    private static final String SIMPLE_VALUES = "\\'\"\u0007\b\f\n\r\t\u000b";

    private final PythonTokenizer tokens;
    private final String text;
    private final boolean raw;
    private final boolean bytes;
    private final StringBuilder value = new StringBuilder();

    PythonString(PythonTokenizer tokens, String text, boolean raw, boolean bytes) {
        this.tokens = tokens;
        this.text = text;
        this.raw = raw;
        this.bytes = bytes;
    }

    /** The decoded value; bytes as characters U+0000 to U+00FF. */
    String value() {
        return value.toString();
    }

    /** Reads the character, newline or escape sequence at {@code at}; returns where the next one starts. */
    int character(int at) {
        int newline = tokens.newline(at);
        if (newline > 0) {
            value.append('\n');
            return at + newline;
        }
        if (text.charAt(at) != '\\') {
            return plain(at);
        }
        if (at + 1 == text.length()) {
            throw tokens.error(at, "unterminated string literal");
        }
        newline = tokens.newline(at + 1);
        if (newline > 0) {
            value.append(raw ? "\\\n" : "");
            return at + 1 + newline;
        }
        if (raw) {
            value.append('\\');
            return plain(at + 1);
        }
        return escape(at + 1);
    }

    private int plain(int at) {
        if (bytes && text.charAt(at) >= 128) {
            throw tokens.error(at, "bytes can only contain ASCII literal characters");
        }
        value.append(text.charAt(at));
        return at + 1;
    }

    /** The escape whose letter is at {@code at}. */
    private int escape(int at) {
        char c = text.charAt(at);
        int simple = SIMPLE_ESCAPES.indexOf(c);
        if (simple >= 0) {
            value.append(SIMPLE_VALUES.charAt(simple));
            return at + 1;
        }
        if (c >= '0' && c <= '7') {
            return octal(at);
        }
        if (c == 'x' || !bytes && (c == 'u' || c == 'U')) {
            return hexadecimal(at, c == 'x' ? 2 : c == 'u' ? 4 : 8);
        }
        if (c == 'N' && !bytes) {
            return named(at);
        }
        value.append('\\');
        return plain(at);
    }

    /** One to three octal digits; above 0o377 a string gets that code point and bytes its low 8 bits. */
    private int octal(int at) {
        int end = at;
        while (end < at + 3 && end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
            end++;
        }
        int code = Integer.parseInt(text.substring(at, end), 8);
        value.append((char) (bytes ? code & 0xFF : code));
        return end;
    }

    private int hexadecimal(int at, int digits) {
        int end = at + 1 + digits;
        for (int i = at + 1; i < end; i++) {
            if (i >= text.length() || Character.digit(text.charAt(i), 16) < 0 || text.charAt(i) >= 128) {
                throw tokens.error(at - 1, "truncated \\" + text.charAt(at) + " escape");
            }
        }
        int code = Integer.parseUnsignedInt(text.substring(at + 1, end), 16);
        if (code < 0 || code > Character.MAX_CODE_POINT) {
            throw tokens.error(at - 1, "illegal Unicode character in a \\U escape");
        }
        value.appendCodePoint(code);
        return end;
    }

    /** \N{name}: a name of letters, digits, spaces and hyphens, matched without regard to case. */
    private int named(int at) {
        int end = at + 2;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) && text.charAt(end) < 128
                || text.charAt(end) == ' ' || text.charAt(end) == '-')) {
            end++;
        }
        if (at + 1 >= text.length() || text.charAt(at + 1) != '{' || end == at + 2 || end == text.length()
                || text.charAt(end) != '}') {
            throw tokens.error(at - 1, "malformed \\N character escape");
        }
        int code = printableLatin1(text.substring(at + 2, end));
        if (code < 0) {
            throw tokens.error(at - 1, "a \\N escape that is not the name of a printable character up to U+00FF");
        }
        value.append((char) code);
        return end + 1;
    }

    private static int printableLatin1(String name) {
        try {
            int code = Character.codePointOf(name);
            boolean printable = code >= 0x20 && code <= 0x7E || code >= 0xA0 && code <= 0xFF;
            return printable && Character.getName(code).equalsIgnoreCase(name) ? code : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
