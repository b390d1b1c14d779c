package org.dice4j.cli;

/** Header text made safe for an error message: control and invisible characters escaped, cut after 60 characters. */
final class Excerpt {
    private static final int MAX_CHARACTERS = 60;

    private Excerpt() {}

    /** {@code text} with backslash escapes (n r t, backslash, xNN, uNNNN, UNNNNNNNN) for what does not print, cut. */
    static String of(String text) {
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i)), count++) {
            if (count == MAX_CHARACTERS) {
                return out.append('…').toString();
            }
            append(out, text.codePointAt(i));
        }
        return out.toString();
    }

    private static void append(StringBuilder out, int c) {
        int at = "\n\r\t\\".indexOf(c);
        if (at >= 0) {
            out.append('\\').append("nrt\\".charAt(at));
        } else if (c < 0x20 || c >= 0x7F && c < 0xA0) {
            out.append(String.format("\\x%02x", c));
        } else if (!printable(c)) {
            out.append(String.format(c > 0xFFFF ? "\\U%08x" : "\\u%04x", c));
        } else {
            out.appendCodePoint(c);
        }
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return c == ' ' || type != Character.SPACE_SEPARATOR && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && type != Character.CONTROL && type != Character.FORMAT
                && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.UNASSIGNED;
    }
}
