package org.dice4j.cli;

import java.math.BigInteger;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * CPython 3.11's tokenizer, reduced to the tokens a literal can hold: numbers, strings (prefixes, escapes, triple
 * quotes), names, brackets, {@code , : + -} and {@code ...}. It skips what Python skips (spaces, tabs and form feeds,
 * comments, newlines inside brackets, backslash continuations; CR LF and a lone CR are newlines) and applies the
 * indentation rule of an eval input, after stripping the leading spaces and tabs as {@code ast.literal_eval} does.
 *
 * <p>In legacy mode it reads the text as numpy does after its Python 2 fallback ({@code _filter_header}, format
 * versions 1.0 and 2.0): every name {@code L} that follows a number, with only spaces, tabs, form feeds or {@code \}
 * LF continuations between them, is dropped, and the fallback's re-spacing of the text applies: the first line's
 * leading whitespace is ignored, so is whitespace after the last newline (unless a continuation precedes it), and a
 * later line that starts the literal must start it in column 0. A literal with a lone CR outside strings is refused
 * there: the fallback does not read it as a newline, Python does, and what follows from that is not modelled.
 */
final class PythonTokenizer {
    enum Kind { INT, FLOAT, COMPLEX, STR, BYTES, NAME, OP, NEWLINE, END }

    /** A token: its kind, its span in the text, and its value (a BigInteger, a decoded string, or its text). */
    record Token(Kind kind, int start, int end, Object value) {
        boolean is(String op) {
            return (kind == Kind.OP || kind == Kind.NAME) && value.equals(op);
        }
    }

    private static final Set<String> STRING_PREFIXES = Set.of("r", "u", "b", "br", "rb", "f", "fr", "rf");
    private static final int MAX_NESTING = 200; // CPython's MAXLEVEL
    private static final int MAX_DECIMAL_DIGITS = 4300; // sys.int_info.default_max_str_digits

    private final String text;
    private final boolean legacy;
    private final StringBuilder openers = new StringBuilder();
    private int pos;
    private boolean atLineStart = true;
    private int lineBreaks;
    private int lineBegin;
    private int loneCarriageReturn = -1;

    PythonTokenizer(String text, boolean legacy) {
        this.text = text;
        this.legacy = legacy;
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw error(nul, "a NUL character");
        }
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                || legacy && text.charAt(pos) == '\f')) {
            pos++;
        }
    }

    Token next() {
        if (atLineStart && lineStart()) {
            return new Token(Kind.END, pos, pos, "end");
        }
        skipInsideLine();
        int start = pos;
        if (pos == text.length()) {
            if (!openers.isEmpty()) {
                throw error(pos, "'" + openers.charAt(openers.length() - 1) + "' never closed");
            }
            return new Token(Kind.END, pos, pos, "end");
        }
        if (newline(pos) > 0) {
            lineBreak(newline(pos));
            atLineStart = true;
            return new Token(Kind.NEWLINE, start, pos, "newline");
        }
        char c = text.charAt(pos);
        if (isDigit(c) || c == '.' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
            return number();
        }
        if (c == '\'' || c == '"') {
            return string(start, "");
        }
        return isNameChar(c) ? nameOrString() : operator();
    }

    /** An error at {@code at}: the problem, the line and column, and the text from there, printable and cut. */
    IllegalArgumentException error(int at, String problem) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at; i += newline(i) > 0 ? newline(i) : 1) {
            line += newline(i) > 0 ? 1 : 0;
            column = newline(i) > 0 ? 1 : column + 1;
        }
        return new IllegalArgumentException(problem + " at line " + line + ", column " + column + ": \""
                + Excerpt.of(text.substring(Math.min(at, text.length()))) + "\"");
    }

    /** Called once the literal is read: in legacy mode, a lone CR outside strings refuses it (see above). */
    void requireNoLoneCarriageReturn() {
        if (loneCarriageReturn >= 0) {
            throw error(loneCarriageReturn, "a carriage return without a line feed, which numpy's Python 2 fallback"
                    + " reads unlike Python");
        }
    }

    /** Skips blank and comment lines at the start of a logical line; true at the end of the text. */
    private boolean lineStart() {
        int column = 0;
        boolean continued = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                column = c == ' ' ? column + 1 : c == '\t' ? (column / 8 + 1) * 8 : 0;
                pos++;
            } else if (c == '\\') {
                continuation();
                continued = true;
            } else if (c == '#' || newline(pos) > 0) {
                skipComment();
                lineBreak(newline(pos));
                column = 0;
                continued = false;
            } else {
                if (legacy ? lineBreaks > 0 && pos > lineBegin : column > 0) {
                    throw error(pos, "unexpected indent");
                }
                atLineStart = false;
                return false;
            }
        }
        if (legacy ? continued && pos > lineBegin : column > 0) {
            throw error(pos, "unexpected indent");
        }
        return true;
    }

    private void skipInsideLine() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '#') {
                skipComment();
            } else if (c == '\\') {
                continuation();
            } else if (newline(pos) > 0 && !openers.isEmpty()) {
                lineBreak(newline(pos));
            } else {
                return;
            }
        }
    }

    private void skipComment() {
        if (pos < text.length() && text.charAt(pos) == '#') {
            while (pos < text.length() && newline(pos) == 0) {
                pos++;
            }
        }
    }

    private void continuation() {
        int length = newline(pos + 1);
        if (length == 0) {
            throw error(pos, "unexpected character after line continuation character");
        }
        pos++;
        lineBreak(length);
        if (pos == text.length()) {
            throw error(pos, "unexpected end of the text after a line continuation");
        }
    }

    private void lineBreak(int length) {
        if (legacy && length == 1 && text.charAt(pos) == '\r' && loneCarriageReturn < 0) {
            loneCarriageReturn = pos;
        }
        pos += length;
        lineBreaks++;
        lineBegin = pos;
    }

    /** The length of the newline at {@code at}: 2 for CR LF, 1 for LF or a lone CR, else 0. */
    int newline(int at) {
        if (at >= text.length()) {
            return 0;
        }
        char c = text.charAt(at);
        return c == '\n' ? 1 : c != '\r' ? 0 : at + 1 < text.length() && text.charAt(at + 1) == '\n' ? 2 : 1;
    }

    private Token number() {
        int start = pos;
        if (text.charAt(pos) == '0' && pos + 1 < text.length() && "xXoObB".indexOf(text.charAt(pos + 1)) >= 0) {
            BigInteger value = radixInteger();
            endOfNumber();
            return new Token(Kind.INT, start, pos, value);
        }
        boolean real = false;
        if (text.charAt(pos) != '.') {
            digitPart();
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            real = true;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                digitPart();
            }
        }
        if (exponentFollows()) {
            pos += text.charAt(pos + 1) == '+' || text.charAt(pos + 1) == '-' ? 2 : 1;
            digitPart();
            real = true;
        }
        boolean imaginary = pos < text.length() && (text.charAt(pos) == 'j' || text.charAt(pos) == 'J');
        pos += imaginary ? 1 : 0;
        int end = pos;
        endOfNumber();
        Kind kind = imaginary ? Kind.COMPLEX : real ? Kind.FLOAT : Kind.INT;
        return new Token(kind, start, end, kind == Kind.INT ? decimal(start, end) : null);
    }

    /** Digits with single underscores between them: [0-9](_?[0-9])*. */
    private void digitPart() {
        pos++;
        while (pos < text.length() && (isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            if (text.charAt(pos) == '_' && (pos + 1 == text.length() || !isDigit(text.charAt(pos + 1)))) {
                throw error(pos, "invalid decimal literal");
            }
            pos++;
        }
    }

    private boolean exponentFollows() {
        if (pos + 1 >= text.length() || (text.charAt(pos) != 'e' && text.charAt(pos) != 'E')) {
            return false;
        }
        int digit = text.charAt(pos + 1) == '+' || text.charAt(pos + 1) == '-' ? pos + 2 : pos + 1;
        return digit < text.length() && isDigit(text.charAt(digit));
    }

    /** Only zero may have leading zeros; Python refuses more digits than its int conversion limit. */
    private BigInteger decimal(int start, int end) {
        String digits = text.substring(start, end).replace("_", "");
        if (digits.chars().allMatch(c -> c == '0')) {
            return BigInteger.ZERO;
        }
        if (digits.charAt(0) == '0') {
            throw error(start, "leading zeros in decimal integer literals are not permitted");
        }
        if (digits.length() > MAX_DECIMAL_DIGITS) {
            throw error(start, "an integer of more than " + MAX_DECIMAL_DIGITS + " decimal digits");
        }
        return new BigInteger(digits);
    }

    /** 0x, 0o or 0b then digits of that radix, each optionally after one underscore. */
    private BigInteger radixInteger() {
        char letter = Character.toLowerCase(text.charAt(pos + 1));
        int radix = letter == 'x' ? 16 : letter == 'o' ? 8 : 2;
        pos += 2;
        StringBuilder digits = new StringBuilder();
        do {
            pos += pos < text.length() && text.charAt(pos) == '_' ? 1 : 0;
            if (pos == text.length() || !radixDigit(text.charAt(pos), radix)) {
                throw error(pos, "invalid base-" + radix + " literal");
            }
            digits.append(text.charAt(pos++));
        } while (pos < text.length() && (text.charAt(pos) == '_' || radixDigit(text.charAt(pos), radix)));
        return new BigInteger(digits.toString(), radix);
    }

    private static boolean radixDigit(char c, int radix) {
        return c < 128 && Character.digit(c, radix) >= 0;
    }

    /** A number must not run into a name; legacy mode first drops Python 2 'L' suffixes. */
    private void endOfNumber() {
        if (legacy) {
            dropLongSuffixes();
        }
        if (pos < text.length() && isNameChar(text.charAt(pos))) {
            throw error(pos, "invalid number literal");
        }
    }

    /** Drops each name 'L' after the number, as _filter_header does; only blanks and \ LF may come between. */
    private void dropLongSuffixes() {
        while (true) {
            int at = pos;
            while (at < text.length() && (" \t\f".indexOf(text.charAt(at)) >= 0
                    || text.startsWith("\\\n", at) || text.startsWith("\\\r\n", at))) {
                at += text.charAt(at) != '\\' ? 1 : text.charAt(at + 1) == '\n' ? 2 : 3;
            }
            boolean nameL = at < text.length() && text.charAt(at) == 'L'
                    && (at + 1 == text.length() || !isNameChar(text.charAt(at + 1)));
            if (!nameL) {
                return;
            }
            pos = at + 1;
        }
    }

    private Token nameOrString() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')
                && STRING_PREFIXES.contains(name.toLowerCase(Locale.ROOT))) {
            return string(start, name);
        }
        if (name.equals("True") || name.equals("False") || name.equals("None")) {
            return new Token(Kind.NAME, start, pos, name);
        }
        if (!isIdentifier(name)) {
            throw error(start, "invalid character in a name");
        }
        if (!Normalizer.normalize(name, Normalizer.Form.NFKC).equals("set")) {
            throw error(start, "a name is not a literal (only True, False, None and set() are)");
        }
        return new Token(Kind.NAME, start, pos, "set");
    }

    /** Python's rule for a name: XID_Start or '_', then XID_Continue (non-ASCII names are NFKC-normalized). */
    private static boolean isIdentifier(String name) {
        for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
            int c = name.codePointAt(i);
            boolean valid = c == '_' || (i == 0 ? Character.isUnicodeIdentifierStart(c)
                    : Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    private Token string(int start, String prefix) {
        String flags = prefix.toLowerCase(Locale.ROOT);
        if (flags.contains("f")) {
            throw error(start, "an f-string is not a literal");
        }
        char quote = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        PythonString body = new PythonString(this, text, flags.contains("r"), flags.contains("b"));
        while (!closes(quote, triple)) {
            if (pos == text.length() || newline(pos) > 0 && !triple) {
                throw error(start, "unterminated string literal");
            }
            pos = body.character(pos);
        }
        return new Token(flags.contains("b") ? Kind.BYTES : Kind.STR, start, pos, body.value());
    }

    private boolean closes(char quote, boolean triple) {
        int length = triple ? 3 : 1;
        if (!text.startsWith(String.valueOf(quote).repeat(length), pos)) {
            return false;
        }
        pos += length;
        return true;
    }

    private Token operator() {
        int start = pos;
        char c = text.charAt(pos);
        if (text.startsWith("...", pos)) {
            pos += 3;
            return new Token(Kind.OP, start, pos, "...");
        }
        if ("([{".indexOf(c) >= 0) {
            if (openers.length() >= MAX_NESTING) {
                throw error(pos, "too many nested parentheses");
            }
            openers.append(c);
        } else if (")]}".indexOf(c) >= 0) {
            if (openers.isEmpty() || "([{".indexOf(openers.charAt(openers.length() - 1)) != ")]}".indexOf(c)) {
                throw error(pos, "unmatched '" + c + "'");
            }
            openers.setLength(openers.length() - 1);
        } else if (",:+-".indexOf(c) < 0) {
            throw error(pos, "a character that is not part of a literal");
        }
        pos++;
        return new Token(Kind.OP, start, pos, String.valueOf(c));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** CPython's "potential identifier" character: ASCII letters, digits, '_', and every non-ASCII character. */
    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c >= 128;
    }
}
