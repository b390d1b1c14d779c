package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval}'s summary per label or region (with {@code --labels} or {@code --dataset-json}): nnU-Net's mean Dice
 * and IoU of each over the cases (NaN-skipping), the number of cases with a value, and nnU-Net's foreground mean, as
 * a table or as JSON members (NaN as null).
 */
final class LabelTable {
    private LabelTable() {}

    static void print(PrintWriter out, List<Labelling.Region> regions, List<NnUnetSummary.Case> cases) {
        Map<String, Map<String, Double>> means = NnUnetSummary.means(regions, cases);
        Map<String, Double> foreground = NnUnetSummary.foregroundMean(regions, means);
        out.printf(Locale.ROOT, "%-14s %-16s %10s %10s %8s%n", "label", "name", "dice", "iou", "cases");
        for (int r = 0; r < regions.size(); r++) {
            Labelling.Region region = regions.get(r);
            out.printf(Locale.ROOT, "%-14s %-16s %10.6f %10.6f %8d%n", region.key(), Main.oneLine(region.name()),
                    means.get(region.key()).get("Dice"), means.get(region.key()).get("IoU"), valued(cases, r));
        }
        out.printf(Locale.ROOT, "%-14s %-16s %10.6f %10.6f%n", "foreground", "(mean of labels)", foreground.get("Dice"),
                foreground.get("IoU"));
    }

    /** {@code "labels": [{"label", "name", "dice", "iou", "cases"}…], "foreground_mean": {"dice", "iou"}}. */
    static String json(List<Labelling.Region> regions, List<NnUnetSummary.Case> cases) {
        Map<String, Map<String, Double>> means = NnUnetSummary.means(regions, cases);
        Map<String, Double> foreground = NnUnetSummary.foregroundMean(regions, means);
        StringBuilder json = new StringBuilder("\"labels\": [");
        for (int r = 0; r < regions.size(); r++) {
            Labelling.Region region = regions.get(r);
            json.append(r == 0 ? "" : ", ").append("{\"label\": ").append(Json.string(region.key()))
                    .append(", \"name\": ").append(Json.string(region.name()))
                    .append(", \"dice\": ").append(Json.number(means.get(region.key()).get("Dice")))
                    .append(", \"iou\": ").append(Json.number(means.get(region.key()).get("IoU")))
                    .append(", \"cases\": ").append(valued(cases, r)).append('}');
        }
        return json.append("], \"foreground_mean\": {\"dice\": ").append(Json.number(foreground.get("Dice")))
                .append(", \"iou\": ").append(Json.number(foreground.get("IoU"))).append('}').toString();
    }

    /** The cases whose Dice of region {@code r} is a number. */
    private static long valued(List<NnUnetSummary.Case> cases, int r) {
        return cases.stream().filter(c -> !Double.isNaN(NnUnetSummary.dice(c.counts().get(r)))).count();
    }
}
