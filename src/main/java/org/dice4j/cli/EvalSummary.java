package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dice4j.MetricResult;

/**
 * The summary table of {@code eval}, over every class seen in any scored file (files may differ in class count).
 * A class row is the mean Dice and IoU over the images that have a value for that class: a NaN (an empty target)
 * and a class the image's file does not have are both no value. The mean row is the library's
 * {@link org.dice4j.MetricReduction#MEAN} over all scored images: per image the mean over its classes with a value,
 * then the mean over the images that have one. The images column counts the values each mean is taken over. With a
 * labelling (--labels, --dataset-json) the rows are nnU-Net's per label or region instead ({@link LabelTable}).
 */
final class EvalSummary {
    private final Labelling labelling;
    private final List<NnUnetSummary.Case> cases = new ArrayList<>();
    private final Map<Integer, NanMean> dicePerClass = new TreeMap<>();
    private final Map<Integer, NanMean> iouPerClass = new TreeMap<>();
    private final NanMean dicePerImage = new NanMean();
    private final NanMean iouPerImage = new NanMean();
    private final Map<String, String> failures = new TreeMap<>();
    private final List<String> skipped = new ArrayList<>();
    private int scored;

    /** A summary of the library's classes (null), or of the labels or regions of {@code labelling}. */
    EvalSummary(Labelling labelling) {
        this.labelling = labelling;
    }

    /** A file that could not be scored, with the reason. */
    void fail(String file, String reason) {
        failures.put(file, reason);
    }

    /** A file of either folder that is not an input (not an .npy file). */
    void skip(String file) {
        skipped.add(file);
    }

    int failed() {
        return failures.size();
    }

    /** Adds every image of one scored file. */
    void add(MetricResult result) {
        scored++;
        double[][] dice = result.dice();
        double[][] iou = result.iou();
        for (int n = 0; n < dice.length; n++) {
            NanMean imageDice = new NanMean();
            NanMean imageIou = new NanMean();
            for (int column = 0; column < dice[n].length; column++) {
                int label = column + result.firstClass();
                dicePerClass.computeIfAbsent(label, key -> new NanMean()).add(dice[n][column]);
                iouPerClass.computeIfAbsent(label, key -> new NanMean()).add(iou[n][column]);
                imageDice.add(dice[n][column]);
                imageIou.add(iou[n][column]);
            }
            dicePerImage.add(imageDice.value());
            iouPerImage.add(imageIou.value());
        }
    }

    /** Adds one case scored per label or region. */
    void add(NnUnetSummary.Case scoredCase) {
        scored++;
        cases.add(scoredCase);
    }

    /** The table, the failed and skipped files, then always one closing line of counts. */
    void print(PrintWriter out) {
        if (labelling != null) {
            LabelTable.print(out, labelling.regions(), cases);
            printProblems(out);
            return;
        }
        out.printf(Locale.ROOT, "%-6s %10s %10s %8s%n", "class", "dice", "iou", "images");
        for (Map.Entry<Integer, NanMean> entry : dicePerClass.entrySet()) {
            NanMean dice = entry.getValue();
            out.printf(Locale.ROOT, "%-6d %10.6f %10.6f %8d%n", entry.getKey(), dice.value(),
                    iouPerClass.get(entry.getKey()).value(), dice.count);
        }
        out.printf(Locale.ROOT, "%-6s %10.6f %10.6f %8d%n", "mean", dicePerImage.value(), iouPerImage.value(),
                dicePerImage.count);
        printProblems(out);
    }

    private void printProblems(PrintWriter out) {
        failures.keySet().forEach(file -> out.println("failed:  " + Main.oneLine(file)));
        skipped.forEach(file -> out.println("skipped: " + Main.oneLine(file)));
        out.printf(Locale.ROOT, "%d file(s) scored, %d failed, %d skipped%n", scored, failures.size(), skipped.size());
    }

    /** The same as {@link #print}, as one JSON object (NaN as null). */
    String json() {
        StringBuilder json = new StringBuilder("{\"scored\": ").append(scored);
        if (labelling != null) {
            json.append(", ").append(LabelTable.json(labelling.regions(), cases));
            return problemsJson(json);
        }
        json.append(", \"classes\": [");
        String separator = "";
        for (Map.Entry<Integer, NanMean> entry : dicePerClass.entrySet()) {
            json.append(separator).append("{\"class\": ").append(entry.getKey()).append(", \"dice\": ")
                    .append(Json.number(entry.getValue().value())).append(", \"iou\": ")
                    .append(Json.number(iouPerClass.get(entry.getKey()).value())).append(", \"images\": ")
                    .append(entry.getValue().count).append('}');
            separator = ", ";
        }
        json.append("], \"mean\": {\"dice\": ").append(Json.number(dicePerImage.value())).append(", \"iou\": ")
                .append(Json.number(iouPerImage.value())).append(", \"images\": ").append(dicePerImage.count).append('}');
        return problemsJson(json);
    }

    private String problemsJson(StringBuilder json) {
        json.append(", \"failed\": [");
        String separator = "";
        for (Map.Entry<String, String> failure : failures.entrySet()) {
            json.append(separator).append("{\"file\": ").append(Json.string(failure.getKey())).append(", \"error\": ")
                    .append(Json.string(failure.getValue())).append('}');
            separator = ", ";
        }
        json.append("], \"skipped\": [");
        for (int i = 0; i < skipped.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(Json.string(skipped.get(i)));
        }
        return json.append("]}").toString();
    }

    /** A running mean that skips NaN values; NaN while it has none. */
    private static final class NanMean {
        private double sum;
        private long count;

        void add(double value) {
            if (!Double.isNaN(value)) {
                sum += value;
                count++;
            }
        }

        double value() {
            return count == 0 ? Double.NaN : sum / count;
        }
    }
}
