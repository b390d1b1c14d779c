package org.dice4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code summary.json} of nnU-Net's {@code compute_metrics_on_folder}, from the counts of every scored case:
 * per case and label or region TP, FP, FN, TN (integers), {@code n_pred = TP + FP}, {@code n_ref = TP + FN}, Dice =
 * 2TP/(2TP + FP + FN) and IoU = TP/(TP + FP + FN), both NaN when TP + FP + FN = 0; {@code mean}: per label, numpy's
 * nanmean over the cases of each metric; {@code foreground_mean}: numpy's mean, over the labels other than the plain
 * label 0, of those means (NaN if one is NaN). Written as Python's json writes it ({@link PythonJson}).
 */
final class NnUnetSummary {
    static final List<String> METRICS = List.of("Dice", "IoU", "TP", "FP", "FN", "TN", "n_pred", "n_ref");

    /** One scored case: its two files as the summary names them, and the counts of each region, in order. */
    record Case(String predictionFile, String referenceFile, List<LabelPairs.Counts> counts) {}

    private NnUnetSummary() {}

    static double dice(LabelPairs.Counts c) {
        long denominator = 2 * c.tp() + c.fp() + c.fn();
        return c.tp() + c.fp() + c.fn() == 0 ? Double.NaN : (double) (2 * c.tp()) / denominator;
    }

    static double iou(LabelPairs.Counts c) {
        long union = c.tp() + c.fp() + c.fn();
        return union == 0 ? Double.NaN : (double) c.tp() / union;
    }

    /** Metric {@code name} of {@code counts}: a Double for Dice and IoU, a Long for the counts. */
    static Object metric(String name, LabelPairs.Counts c) {
        return switch (name) {
            case "Dice" -> dice(c);
            case "IoU" -> iou(c);
            case "TP" -> c.tp();
            case "FP" -> c.fp();
            case "FN" -> c.fn();
            case "TN" -> c.tn();
            case "n_pred" -> c.tp() + c.fp();
            case "n_ref" -> c.tp() + c.fn();
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }

    /** Per region (in the labelling's order) and metric, the nanmean over the cases. */
    static Map<String, Map<String, Double>> means(List<Labelling.Region> regions, List<Case> cases) {
        Map<String, Map<String, Double>> means = new LinkedHashMap<>();
        for (int r = 0; r < regions.size(); r++) {
            Map<String, Double> byMetric = new LinkedHashMap<>();
            for (String name : METRICS) {
                double[] values = new double[cases.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = ((Number) metric(name, cases.get(i).counts().get(r))).doubleValue();
                }
                byMetric.put(name, NumpyMean.nanmean(values));
            }
            means.put(regions.get(r).key(), byMetric);
        }
        return means;
    }

    /** Per metric, the mean of the regions' means, label 0 skipped. */
    static Map<String, Double> foregroundMean(List<Labelling.Region> regions, Map<String, Map<String, Double>> means) {
        Map<String, Double> foreground = new LinkedHashMap<>();
        List<Labelling.Region> kept = regions.stream().filter(region -> !region.background()).toList();
        for (String name : METRICS) {
            double[] values = kept.stream().mapToDouble(region -> means.get(region.key()).get(name)).toArray();
            foreground.put(name, NumpyMean.mean(values));
        }
        return foreground;
    }

    /** The whole summary, as nnU-Net's save_summary_json writes it. */
    static String json(List<Labelling.Region> regions, List<Case> cases) {
        List<Object> perCase = new ArrayList<>();
        for (Case scored : cases) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            for (int r = 0; r < regions.size(); r++) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (String name : METRICS) {
                    values.put(name, metric(name, scored.counts().get(r)));
                }
                metrics.put(regions.get(r).key(), values);
            }
            perCase.add(Map.of("metrics", metrics, "prediction_file", scored.predictionFile(),
                    "reference_file", scored.referenceFile()));
        }
        Map<String, Map<String, Double>> means = means(regions, cases);
        return PythonJson.write(Map.of("metric_per_case", perCase, "mean", means,
                "foreground_mean", foregroundMean(regions, means)));
    }
}
