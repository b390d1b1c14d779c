package org.dice4j.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dice4j.cli.PythonTokenizer.Kind;
import org.dice4j.cli.PythonTokenizer.Token;

/**
 * {@code ast.literal_eval} (CPython 3.11) as a recursive-descent parser: a text is read iff literal_eval returns a
 * value for it, and that value is built with what a header check needs: strings, ints and bools by value, tuples,
 * lists, sets and dicts by content, every other constant by its type only.
 */
final class PythonLiteral {
    /** Python's type of a value. */
    enum Type { STR, BYTES, INT, FLOAT, COMPLEX, BOOL, NONE, ELLIPSIS, TUPLE, LIST, SET, DICT }

    /**
     * A value and where it is in the text; {@code constant} if literal_eval sees a constant (not a sign, a sum or a
     * display, whatever the parentheses). {@code content} is the String, BigInteger or Boolean of a STR, BYTES, INT
     * or BOOL, the {@code List<Value>} of a TUPLE, LIST or SET, the {@code List<Entry>} of a DICT, else null.
     */
    record Value(Type type, boolean constant, Object content, int start, int end) {
        /** Python's hash(): lists, sets and dicts have none, nor does a tuple holding one. */
        boolean hashable() {
            return switch (type) {
                case LIST, SET, DICT -> false;
                case TUPLE -> items().stream().allMatch(Value::hashable);
                default -> true;
            };
        }

        @SuppressWarnings("unchecked")
        List<Value> items() {
            return (List<Value>) content;
        }

        @SuppressWarnings("unchecked")
        List<Entry> entries() {
            return (List<Entry>) content;
        }
    }

    /** One key: value pair of a dict display, in the order written (duplicates included). */
    record Entry(Value key, Value value) {}

    private final PythonTokenizer tokens;
    private Token token;

    private PythonLiteral(PythonTokenizer tokens) {
        this.tokens = tokens;
        this.token = tokens.next();
    }

    /** The value of {@code text}, or an IllegalArgumentException saying where and why it is not a literal. */
    static Value parse(String text, boolean legacy) {
        PythonLiteral parser = new PythonLiteral(new PythonTokenizer(text, legacy));
        Value value = parser.expression();
        if (parser.token.kind() == Kind.NEWLINE) {
            parser.advance();
        }
        if (parser.token.kind() != Kind.END) {
            throw parser.tokens.error(parser.token.start(), "text after the literal");
        }
        parser.tokens.requireNoLoneCarriageReturn();
        return value;
    }

    private Token advance() {
        Token current = token;
        token = tokens.next();
        return current;
    }

    private void expect(String op) {
        if (!token.is(op)) {
            throw tokens.error(token.start(), "expected '" + op + "'");
        }
        advance();
    }

    /** A factor, or the one sum literal_eval reads: a signed int or float plus or minus an imaginary constant. */
    private Value expression() {
        Value left = factor();
        if (!token.is("+") && !token.is("-")) {
            return left;
        }
        advance();
        Value right = factor();
        if (left.type() != Type.INT && left.type() != Type.FLOAT || right.type() != Type.COMPLEX || !right.constant()) {
            throw tokens.error(left.start(), "a sum other than a real number plus or minus an imaginary number");
        }
        if (token.is("+") || token.is("-")) {
            throw tokens.error(token.start(), "a sum of more than two terms");
        }
        return new Value(Type.COMPLEX, false, null, left.start(), right.end());
    }

    /** An atom, or one sign before a number constant. */
    private Value factor() {
        if (!token.is("+") && !token.is("-")) {
            return atom();
        }
        Token sign = advance();
        Value operand = token.is("+") || token.is("-") ? null : atom();
        boolean number = operand != null && operand.constant()
                && (operand.type() == Type.INT || operand.type() == Type.FLOAT || operand.type() == Type.COMPLEX);
        if (!number) {
            throw tokens.error(sign.start(), "a sign before something other than a number");
        }
        Object content = sign.is("-") && operand.type() == Type.INT ? ((BigInteger) operand.content()).negate()
                : operand.content();
        return new Value(operand.type(), false, content, sign.start(), operand.end());
    }

    private Value atom() {
        Token first = token;
        return switch (first.kind()) {
            case INT, FLOAT, COMPLEX -> constant(Type.valueOf(advance().kind().name()), first.value(), first);
            case STR, BYTES -> strings();
            case NAME -> name();
            case OP -> switch ((String) first.value()) {
                case "..." -> constant(Type.ELLIPSIS, null, advance());
                case "(" -> display(Type.TUPLE, ")");
                case "[" -> display(Type.LIST, "]");
                case "{" -> braces();
                default -> throw tokens.error(first.start(), "expected a literal");
            };
            default -> throw tokens.error(first.start(), "expected a literal");
        };
    }

    private Value constant(Type type, Object content, Token from) {
        return new Value(type, true, content, from.start(), from.end());
    }

    /** Adjacent string literals are one: all str or all bytes. */
    private Value strings() {
        Token first = token;
        StringBuilder joined = new StringBuilder();
        int end = first.end();
        while (token.kind() == Kind.STR || token.kind() == Kind.BYTES) {
            if (token.kind() != first.kind()) {
                throw tokens.error(token.start(), "cannot mix bytes and nonbytes literals");
            }
            end = token.end();
            joined.append((String) advance().value());
        }
        Type type = first.kind() == Kind.STR ? Type.STR : Type.BYTES;
        return new Value(type, true, joined.toString(), first.start(), end);
    }

    /** True, False, None, or set() (literal_eval's one call). */
    private Value name() {
        Token name = advance();
        if (name.is("True") || name.is("False")) {
            return constant(Type.BOOL, name.is("True"), name);
        }
        if (name.is("None")) {
            return constant(Type.NONE, null, name);
        }
        expect("(");
        Token close = token;
        expect(")");
        return new Value(Type.SET, false, List.of(), name.start(), close.end());
    }

    /** A list or a tuple: () is a tuple, but (x) is x; (x,) and (x, y) are tuples. */
    private Value display(Type type, String close) {
        Token open = advance();
        if (token.is(close)) {
            return new Value(type, false, List.of(), open.start(), advance().end());
        }
        Value first = expression();
        if (type == Type.TUPLE && token.is(close)) {
            advance();
            return first;
        }
        if (!token.is(close)) {
            expect(",");
        }
        return rest(type, close, open, first);
    }

    /** The items after the first one and its comma, up to {@code close}; a trailing comma is allowed. */
    private Value rest(Type type, String close, Token open, Value first) {
        List<Value> items = new ArrayList<>(List.of(first));
        while (!token.is(close)) {
            items.add(expression());
            if (!token.is(close)) {
                expect(",");
            }
        }
        Value display = new Value(type, false, items, open.start(), advance().end());
        if (type == Type.SET) {
            items.forEach(this::requireHashable);
        }
        return display;
    }

    /** {} and {k: v, ...} are dicts, {x, ...} is a set. */
    private Value braces() {
        Token open = advance();
        if (token.is("}")) {
            return new Value(Type.DICT, false, List.of(), open.start(), advance().end());
        }
        Value first = expression();
        if (token.is(":")) {
            return dict(open, first);
        }
        if (!token.is("}")) {
            expect(",");
        }
        return rest(Type.SET, "}", open, first);
    }

    private Value dict(Token open, Value firstKey) {
        List<Entry> entries = new ArrayList<>();
        Value key = firstKey;
        while (true) {
            expect(":");
            entries.add(new Entry(requireHashable(key), expression()));
            if (!token.is("}")) {
                expect(",");
            }
            if (token.is("}")) {
                return new Value(Type.DICT, false, entries, open.start(), advance().end());
            }
            key = expression();
        }
    }

    /** A dict key or set element must be hashable (else Python raises TypeError). */
    private Value requireHashable(Value value) {
        if (!value.hashable()) {
            throw tokens.error(value.start(), "an unhashable " + value.type().name().toLowerCase(Locale.ROOT)
                    + " as a dict key or set element");
        }
        return value;
    }
}
