package org.dice4j.djl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** DJL's named accumulators of an evaluator: per key a sum and a count, reported as their mean (NaN at count 0). */
final class Accumulators {
    private final Map<String, double[]> totals = new ConcurrentHashMap<>();

    /** A new or reset accumulator {@code key}. */
    void reset(String key) {
        totals.put(key, new double[2]);
    }

    /** Adds {@code sum} and {@code count} to each accumulator of {@code keys} (one that was never added starts at 0). */
    void add(String[] keys, double sum, double count) {
        for (String key : keys) {
            totals.compute(key, (k, total) -> {
                double[] next = total == null ? new double[2] : total;
                next[0] += sum;
                next[1] += count;
                return next;
            });
        }
    }

    /** The mean of accumulator {@code key}. */
    float mean(String key) {
        double[] total = totals.get(key);
        if (total == null) {
            throw new IllegalArgumentException("key: no accumulator named " + key + " was added");
        }
        return (float) (total[0] / total[1]);
    }
}
