package org.dice4j.cli;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random spellings, all read by Python as the same value, of the parts of a .npy header dict (for NpyHeaderTest):
 * string literals with any quotes, prefix, escapes and concatenation; ints in every base with underscores, signs
 * and (format versions 1.0 and 2.0) Python 2 'L' suffixes; tuples; and the whitespace, comments and continuations
 * Python skips between tokens inside brackets. Comments may hold text that looks like header entries.
 */
final class HeaderSpelling {
    private static final String[] JUNK = {"[1, {2: 3}]", "1.5", "-2j", "1 + 2j", "b'x'", "None", "...", "{1, (2, 3)}",
        "set()", "'text'", "(1, [2])", "{}", "0x10", "True", "1e-3", "{'shape': (9,)}", "()"};
    private static final String[] COMMENTS = {"", " a comment", " 'shape': (9, 9),", " 'fortran_order': True,",
        " 'descr': '<i4',", " }", " {'descr'", " \"quoted\" 'x'"};
    private static final String[] NON_ASCII_COMMENTS = {" caf\u00e9 \u00ff", " \u00e9\u6f22\u5b57 \ud83d\ude00"};

    private final SplittableRandom random;
    private final int version;
    private final boolean loneCarriageReturns;

    /** Spellings for format version {@code version}; lone CRs only where numpy's Python 2 fallback is not needed. */
    HeaderSpelling(SplittableRandom random, int version, boolean loneCarriageReturns) {
        this.random = random;
        this.version = version;
        this.loneCarriageReturns = loneCarriageReturns;
    }

    int version() {
        return version;
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** What Python skips between two tokens inside brackets, often nothing. */
    String gap() {
        StringBuilder gap = new StringBuilder();
        for (int atoms = chance(60) ? 0 : 1 + random.nextInt(3); atoms > 0; atoms--) {
            switch (random.nextInt(loneCarriageReturns ? 9 : 8)) {
                case 0, 1 -> gap.append(" ".repeat(1 + random.nextInt(3)));
                case 2 -> gap.append('\t');
                case 3 -> gap.append('\f');
                case 4 -> gap.append(chance(50) ? "\n" : "\r\n");
                case 5 -> gap.append("#").append(comment()).append(pick(loneCarriageReturns
                        ? List.of("\n", "\n", "\r\n", "\r") : List.of("\n", "\n", "\r\n")));
                case 6 -> gap.append(chance(50) ? "\\\n" : "\\\r\n");
                case 7 -> gap.append(" ");
                default -> gap.append('\r');
            }
        }
        return gap.toString();
    }

    private String comment() {
        return version == 3 || chance(80) ? pick(List.of(version == 3 && chance(30) ? NON_ASCII_COMMENTS : COMMENTS))
                : NON_ASCII_COMMENTS[0];
    }

    /** A string literal, or adjacent ones, whose value is {@code value}. */
    String string(String value) {
        if (value.length() > 1 && chance(20)) {
            int cut = 1 + random.nextInt(value.length() - 1);
            return string(value.substring(0, cut)) + gap() + string(value.substring(cut));
        }
        String quote = pick(List.of("'", "\"", "'''", "\"\"\""));
        boolean raw = chance(15);
        StringBuilder body = new StringBuilder();
        for (char c : value.toCharArray()) {
            body.append(raw ? String.valueOf(c) : character(c));
        }
        String prefix = raw ? pick(List.of("r", "R")) : pick(List.of("", "", "", "u", "U"));
        return prefix + quote + body + quote;
    }

    /** One character of a non-raw string: itself or an escape, maybe after a backslash-newline. */
    private String character(char c) {
        String continuation = chance(3) ? "\\\n" : "";
        return continuation + switch (random.nextInt(12)) {
            case 0 -> String.format("\\x%02x", (int) c);
            case 1 -> String.format("\\%03o", (int) c);
            case 2 -> String.format("\\u%04x", (int) c);
            case 3 -> String.format("\\U%08X", (int) c);
            case 4 -> "\\N{" + (chance(50) ? Character.getName(c) : Character.getName(c).toLowerCase(Locale.ROOT)) + "}";
            default -> String.valueOf(c);
        };
    }

    /** An int literal whose value is {@code value} (≥ 0), maybe signed, maybe with an 'L' in versions 1 and 2. */
    String integer(long value, boolean longSuffix) {
        String digits = switch (random.nextInt(6)) {
            case 0 -> pick(List.of("0x", "0X")) + grouped(chance(50) ? Long.toHexString(value)
                    : Long.toHexString(value).toUpperCase(Locale.ROOT));
            case 1 -> pick(List.of("0o", "0O")) + grouped(Long.toOctalString(value));
            case 2 -> pick(List.of("0b", "0B")) + grouped(Long.toBinaryString(value));
            default -> value == 0 ? pick(List.of("0", "00", "0_0", "000")) : grouped(Long.toString(value));
        };
        String signed = chance(10) ? "+" + gap() + digits : digits;
        String suffixed = longSuffix ? signed + pick(List.of("", " ", "\t", " \\\n")) + "L" : signed;
        return chance(5) ? "(" + gap() + suffixed + gap() + ")" : suffixed;
    }

    /** Underscores between some digits (never first, last or doubled). */
    private String grouped(String digits) {
        StringBuilder out = new StringBuilder(digits.substring(0, 1));
        for (int i = 1; i < digits.length(); i++) {
            out.append(chance(15) ? "_" : "").append(digits.charAt(i));
        }
        return out.toString();
    }

    /** The tuple literal of {@code sizes}: a comma after a single item, optionally after the last of several. */
    String tuple(List<String> items) {
        StringBuilder tuple = new StringBuilder("(").append(gap());
        for (int i = 0; i < items.size(); i++) {
            tuple.append(items.get(i)).append(gap());
            if (i + 1 < items.size() || items.size() == 1 || chance(30)) {
                tuple.append(',').append(gap());
            }
        }
        return tuple.append(')').toString();
    }

    /** Any literal, for a value a later entry overwrites. */
    String junk() {
        String junk = pick(List.of(JUNK));
        return version == 3 && chance(10) ? pick(List.of("'\u00e9\u6f22'", "\uff53\uff45\uff54()")) : junk;
    }

    /** {@code value} in parentheses now and then. */
    String parenthesised(String value) {
        return chance(10) ? "(" + gap() + value + gap() + ")" : value;
    }

    /** The dict display of {@code entries} ({key, value} pairs of literal text), maybe with a trailing comma. */
    String dict(List<String[]> entries) {
        StringBuilder dict = new StringBuilder("{").append(gap());
        for (int i = 0; i < entries.size(); i++) {
            dict.append(entries.get(i)[0]).append(gap()).append(':').append(gap()).append(entries.get(i)[1]).append(gap());
            if (i + 1 < entries.size() || chance(50)) {
                dict.append(',').append(gap());
            }
        }
        return dict.append('}').toString();
    }

    /** The whole header text: blank or comment lines, the dict (maybe in parentheses), then numpy's padding. */
    String document(String dict, String afterDict) {
        StringBuilder text = new StringBuilder(pick(List.of("", "", " ", "\t", "  \t")));
        for (int lines = chance(80) ? 0 : 1 + random.nextInt(2); lines > 0; lines--) {
            text.append(chance(50) ? "" : "  ").append(chance(50) ? "#" + comment() : "").append('\n');
        }
        text.append(chance(10) ? "(" + gap() + dict + gap() + ")" : dict).append(afterDict);
        text.append(chance(20) ? "  #" + comment() : "");
        for (int lines = chance(80) ? 0 : 1 + random.nextInt(2); lines > 0; lines--) {
            text.append('\n').append(chance(50) ? "" : "  ").append(chance(50) ? "#" + comment() : "");
        }
        int prefix = version == 1 ? 10 : 12;
        int padding = chance(50) ? 0 : Math.floorMod(-(prefix + text.length() + 1), 64);
        return text.append(" ".repeat(padding)).append('\n').toString();
    }
}
