package org.dice4j.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few PyTorch expressions kornia's cases describe their inputs with: {@code zeros(a,b,…)} (optionally
 * followed by a dtype word), {@code tensor([…]).expand((…))}, then {@code ;}-separated slice assignments
 * {@code name[idx, …]=value} or {@code [idx, …]=value} with indices {@code k}, {@code :}, {@code a:},
 * {@code :b}, {@code a:b} and one optional {@code ...}.
 */
final class TorchSnippet {
    private static final Pattern ZEROS = Pattern.compile("zeros\\(([0-9,\\s]+)\\)(\\s+\\w+)?");
    private static final Pattern EXPAND =
            Pattern.compile("tensor\\(\\[([-0-9.,\\s]+)\\]\\)\\.expand\\(\\(([-0-9,\\s]+)\\)\\)");
    private static final Pattern ASSIGN = Pattern.compile("\\w*\\[([^\\]]*)\\]\\s*=\\s*(-?[0-9.]+)");

    private TorchSnippet() {
    }

    static Nd evaluate(String code) {
        String[] statements = code.split(";");
        Nd nd = create(statements[0].trim());
        for (int s = 1; s < statements.length; s++) {
            Matcher m = ASSIGN.matcher(statements[s].trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("unsupported statement '" + statements[s].trim() + "'");
            }
            assign(nd, m.group(1), Double.parseDouble(m.group(2)));
        }
        return nd;
    }

    private static Nd create(String expression) {
        Matcher zeros = ZEROS.matcher(expression);
        if (zeros.matches()) {
            return Nd.zeros(Arrays.stream(zeros.group(1).split(",")).map(String::trim)
                    .mapToLong(Long::parseLong).toArray());
        }
        Matcher expand = EXPAND.matcher(expression);
        if (expand.matches()) {
            return expand(expression, expand);
        }
        throw new IllegalArgumentException("unsupported expression '" + expression + "'");
    }

    private static Nd expand(String expression, Matcher expand) {
        double[] source = Arrays.stream(expand.group(1).split(",")).map(String::trim)
                .mapToDouble(Double::parseDouble).toArray();
        long[] target = Arrays.stream(expand.group(2).split(",")).map(String::trim)
                .mapToLong(Long::parseLong).toArray();
        // A 1-d source aligns with the last axis; -1 keeps its size; other axes broadcast.
        if (target[target.length - 1] == -1) {
            target[target.length - 1] = source.length;
        }
        if (target[target.length - 1] != source.length) {
            throw new IllegalArgumentException("cannot expand " + expression);
        }
        for (int axis = 0; axis < target.length - 1; axis++) {
            if (target[axis] < 1) {
                throw new IllegalArgumentException("cannot expand " + expression);
            }
        }
        Nd nd = Nd.zeros(target);
        for (int i = 0; i < nd.data().length; i++) {
            nd.data()[i] = source[i % source.length];
        }
        return nd;
    }

    private static void assign(Nd nd, String indexText, double value) {
        long[] shape = nd.shape();
        List<String> axes = axes(indexText, shape);
        long[] from = new long[shape.length];
        long[] to = new long[shape.length];
        for (int a = 0; a < shape.length; a++) {
            String t = axes.get(a);
            int colon = t.indexOf(':');
            if (colon < 0) {
                from[a] = Long.parseLong(t);
                to[a] = from[a] + 1;
            } else {
                String lo = t.substring(0, colon).trim();
                String hi = t.substring(colon + 1).trim();
                from[a] = lo.isEmpty() ? 0 : Long.parseLong(lo);
                to[a] = hi.isEmpty() ? shape[a] : Long.parseLong(hi);
            }
            if (from[a] < 0 || to[a] > shape[a] || from[a] >= to[a]) {
                throw new IllegalArgumentException("index [" + indexText + "] out of " + Arrays.toString(shape));
            }
        }
        fill(nd, from, to, value);
    }

    /** One index per axis: "..." expanded into as many ":" as needed, missing trailing axes padded with ":". */
    private static List<String> axes(String indexText, long[] shape) {
        String[] tokens = Arrays.stream(indexText.split(",")).map(String::trim).toArray(String[]::new);
        List<String> axes = new ArrayList<>();
        int explicit = (int) Arrays.stream(tokens).filter(t -> !t.equals("...")).count();
        for (String t : tokens) {
            if (t.equals("...")) {
                for (int k = 0; k < shape.length - explicit; k++) {
                    axes.add(":");
                }
            } else {
                axes.add(t);
            }
        }
        while (axes.size() < shape.length) {
            axes.add(":");
        }
        if (axes.size() != shape.length) {
            throw new IllegalArgumentException("index [" + indexText + "] does not fit " + Arrays.toString(shape));
        }
        return axes;
    }

    /** Sets every element whose coordinates lie in [from, to) on each axis. */
    private static void fill(Nd nd, long[] from, long[] to, double value) {
        long[] shape = nd.shape();
        double[] data = nd.data();
        for (int flat = 0; flat < data.length; flat++) {
            long rest = flat;
            boolean inside = true;
            for (int a = shape.length - 1; a >= 0; a--) {
                long coordinate = rest % shape[a];
                rest /= shape[a];
                if (coordinate < from[a] || coordinate >= to[a]) {
                    inside = false;
                }
            }
            if (inside) {
                data[flat] = value;
            }
        }
    }
}
