package org.dice4j.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The labels or regions {@code eval} scores per case, as nnU-Net names them: from {@code --labels 1,2,3} (plain
 * labels, in that order) or from nnU-Net's {@code dataset.json}, read as nnU-Net reads it. Its {@code "labels"} map
 * names to an id or a list of ids; the lists are regions (unions of their ids) only if some list has more than one
 * id, otherwise every id is a plain label (sorted, label 0 dropped). Regions keep the file's order and drop those
 * made of label 0 only. {@code "ignore"} is the ignore label, {@code "file_ending"} the inputs' ending.
 *
 * @param regions each with its summary key: {@code str(label)} or {@code str(tuple)}, as Python writes them
 * @param ignore the ignore label, or null
 * @param fileEnding the ending of input files, or null for every supported one
 */
record Labelling(List<Region> regions, Long ignore, String fileEnding) {

    /** One label or region: its key in the summary, its name, its distinct ids. */
    record Region(String key, String name, long[] members) {
        /** nnU-Net's foreground mean skips the plain label 0 (its key "0"), never a region. */
        boolean background() {
            return key.equals("0");
        }
    }

    /** Plain labels from {@code --labels}. */
    static Labelling ofLabels(List<Long> labels, Long ignore) {
        List<Region> regions = new ArrayList<>();
        LinkedHashSet<Long> seen = new LinkedHashSet<>();
        for (long label : labels) {
            if (!seen.add(label)) {
                throw new IllegalArgumentException("--labels: label " + label + " is given twice");
            }
            regions.add(new Region(Long.toString(label), Long.toString(label), new long[] {label}));
        }
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("--labels: expected at least one label");
        }
        return new Labelling(regions, ignore, null);
    }

    /** nnU-Net's reading of {@code file}. */
    static Labelling ofDatasetJson(Path file) {
        Object parsed;
        try {
            parsed = JsonReader.parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("--dataset-json: cannot read " + file + ": " + IoErrors.describe(e));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dataset-json: " + file + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> dataset) || !(dataset.get("labels") instanceof Map<?, ?> labels)) {
            throw new IllegalArgumentException("--dataset-json: " + file + ": expected an object with a \"labels\" object");
        }
        Long ignore = labels.containsKey("ignore") ? id(file, "ignore", labels.get("ignore")) : null;
        Object ending = dataset.get("file_ending");
        List<Region> regions = hasRegions(labels) ? regions(file, labels) : plainLabels(file, labels);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("--dataset-json: " + file + ": no label other than the background");
        }
        return new Labelling(regions, ignore, ending instanceof String text ? text : null);
    }

    private static boolean hasRegions(Map<?, ?> labels) {
        return labels.entrySet().stream().anyMatch(entry -> !"ignore".equals(entry.getKey())
                && entry.getValue() instanceof List<?> list && list.size() > 1);
    }

    private static List<Region> regions(Path file, Map<?, ?> labels) {
        List<Region> regions = new ArrayList<>();
        for (Map.Entry<?, ?> entry : labels.entrySet()) {
            String name = (String) entry.getKey();
            if (name.equals("ignore")) {
                continue;
            }
            long[] ids = ids(file, name, entry.getValue());
            long[] members = Arrays.stream(ids).distinct().toArray();
            if (members.length == 1 && members[0] == 0) {
                continue;
            }
            String key = entry.getValue() instanceof List<?> ? tupleKey(ids) : Long.toString(ids[0]);
            regions.add(new Region(key, name, members));
        }
        return regions;
    }

    private static List<Region> plainLabels(Path file, Map<?, ?> labels) {
        TreeSet<Long> ids = new TreeSet<>();
        java.util.Map<Long, String> names = new java.util.HashMap<>();
        for (Map.Entry<?, ?> entry : labels.entrySet()) {
            String name = (String) entry.getKey();
            if (!name.equals("ignore")) {
                for (long id : ids(file, name, entry.getValue())) {
                    ids.add(id);
                    names.putIfAbsent(id, name);
                }
            }
        }
        ids.remove(0L);
        return ids.stream().map(id -> new Region(Long.toString(id), names.get(id), new long[] {id})).toList();
    }

    /** Python's str of a tuple of ints: "(1, 2, 3)", "(3,)". */
    static String tupleKey(long[] ids) {
        StringBuilder key = new StringBuilder("(");
        for (int i = 0; i < ids.length; i++) {
            key.append(i == 0 ? "" : ", ").append(ids[i]);
        }
        return key.append(ids.length == 1 ? ",)" : ")").toString();
    }

    private static long[] ids(Path file, String name, Object value) {
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("--dataset-json: " + file + ": label \"" + name + "\" lists no id");
            }
            return list.stream().mapToLong(item -> id(file, name, item)).toArray();
        }
        return new long[] {id(file, name, value)};
    }

    private static long id(Path file, String name, Object value) {
        try {
            if (value instanceof BigDecimal number) {
                return number.longValueExact();
            }
        } catch (ArithmeticException e) {
            // not a whole number: refused below
        }
        throw new IllegalArgumentException("--dataset-json: " + file + ": label \"" + Excerpt.of(name)
                + "\" must be an integer id or a list of them, got " + value);
    }
}
