package org.dice4j.cli;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dice4j.cli.PythonLiteral.Type;
import org.dice4j.cli.PythonLiteral.Value;

/**
 * The dict literal of a {@code .npy} header, read as numpy reads it ({@code numpy.lib.format._read_array_header},
 * numpy 2.4 on CPython 3.11): the bytes decoded (Latin-1 in format versions 1.0 and 2.0, strict UTF-8 in 3.0), at
 * most 10000 characters, evaluated by {@code ast.literal_eval} (for versions 1.0 and 2.0, if that fails, once more
 * after numpy's Python 2 fallback), and the result a dict with exactly the keys 'descr', 'fortran_order' and 'shape',
 * the last value of a repeated key winning. Every header numpy refuses is refused; of those it reads, refused are a
 * descr other than a string (structured and subarray dtypes) and shapes numpy.load cannot load (a bool or negative
 * size) or that exceed a long. The descr string is returned as is: which dtypes are read is the caller's choice.
 *
 * @param shape the sizes, each ≥ 0 (the array is the caller's: records compare arrays by identity)
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    private static final int MAX_HEADER_SIZE = 10000; // numpy's max_header_size default
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /**
     * Reads the header of a file of format version {@code majorVersion}.0.
     *
     * @throws IllegalArgumentException saying what is wrong with the header (never its raw bytes)
     */
    static NpyHeader parse(byte[] headerBytes, int majorVersion) {
        String text = decode(headerBytes, majorVersion);
        int length = text.codePointCount(0, text.length());
        if (length > MAX_HEADER_SIZE) {
            throw new IllegalArgumentException("the header has " + length + " characters, more than numpy reads ("
                    + MAX_HEADER_SIZE + ")");
        }
        Map<String, Value> entries = entries(text, literal(text, majorVersion));
        return new NpyHeader(descr(text, entries.get("descr")), fortranOrder(text, entries.get("fortran_order")),
                shape(text, entries.get("shape")));
    }

    private static String decode(byte[] bytes, int majorVersion) {
        if (majorVersion < 3) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the header is not UTF-8, as format version 3.0 requires");
        }
    }

    /** literal_eval's value; versions 1.0 and 2.0 get numpy's second try, whose error is the one reported (as numpy). */
    private static Value literal(String text, int majorVersion) {
        try {
            return PythonLiteral.parse(text, false);
        } catch (IllegalArgumentException strict) {
            IllegalArgumentException reported = strict;
            if (majorVersion < 3) {
                try {
                    return PythonLiteral.parse(text, true);
                } catch (IllegalArgumentException legacy) {
                    reported = legacy;
                }
            }
            throw new IllegalArgumentException("the header is not a Python literal: " + reported.getMessage(), reported);
        }
    }

    /** The dict's entries by key, the last of a repeated key winning, exactly numpy's three keys. */
    private static Map<String, Value> entries(String text, Value literal) {
        if (literal.type() != Type.DICT) {
            throw new IllegalArgumentException("the header is a " + typeName(literal) + ", not a dict: "
                    + quote(text, literal));
        }
        Map<String, Value> entries = new LinkedHashMap<>();
        for (PythonLiteral.Entry entry : literal.entries()) {
            if (entry.key().type() != Type.STR) {
                throw new IllegalArgumentException("the header has a key that is not a string: " + quote(text, entry.key()));
            }
            entries.put((String) entry.key().content(), entry.value());
        }
        for (String key : entries.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("the header has an unexpected key '" + Excerpt.of(key)
                        + "' (expected 'descr', 'fortran_order' and 'shape')");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!entries.containsKey(key)) {
                throw new IllegalArgumentException("the header has no '" + key + "' key");
            }
        }
        return entries;
    }

    private static String descr(String text, Value descr) {
        if (descr.type() != Type.STR) {
            throw new IllegalArgumentException("the header's descr is a " + typeName(descr) + ", not a dtype string"
                    + " (structured and subarray dtypes are not supported): " + quote(text, descr));
        }
        return (String) descr.content();
    }

    private static boolean fortranOrder(String text, Value order) {
        if (order.type() != Type.BOOL) {
            throw new IllegalArgumentException("the header's fortran_order is a " + typeName(order)
                    + ", not True or False: " + quote(text, order));
        }
        return (Boolean) order.content();
    }

    private static long[] shape(String text, Value shape) {
        if (shape.type() != Type.TUPLE) {
            throw new IllegalArgumentException("the header's shape is a " + typeName(shape) + ", not a tuple: "
                    + quote(text, shape));
        }
        List<Value> sizes = shape.items();
        long[] result = new long[sizes.size()];
        for (int axis = 0; axis < result.length; axis++) {
            result[axis] = size(text, sizes.get(axis));
        }
        return result;
    }

    /** An int ≥ 0 that fits a long; numpy.load refuses a bool (an int in Python) or a negative size too. */
    private static long size(String text, Value size) {
        String problem = size.type() != Type.INT ? "a " + typeName(size)
                : ((BigInteger) size.content()).signum() < 0 ? "negative"
                : ((BigInteger) size.content()).bitLength() > 63 ? "larger than 2^63 - 1" : null;
        if (problem != null) {
            throw new IllegalArgumentException("the header's shape has a size that is " + problem
                    + ", not an int ≥ 0: " + quote(text, size));
        }
        return ((BigInteger) size.content()).longValueExact();
    }

    private static String typeName(Value value) {
        return switch (value.type()) {
            case NONE -> "None";
            case ELLIPSIS -> "Ellipsis";
            default -> value.type().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String quote(String text, Value value) {
        return "\"" + Excerpt.of(text.substring(value.start(), value.end())) + "\"";
    }
}
