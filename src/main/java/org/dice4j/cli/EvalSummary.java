package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dice4j.MetricResult;

/**
 * The summary table of {@code eval}, over every class seen in any scored file (files may differ in class count).
 * A class row is the mean Dice and IoU over the images that have a value for that class: a NaN (an empty target)
 * and a class the image's file does not have are both no value. The mean row is the library's
 * {@link org.dice4j.MetricReduction#MEAN} over all scored images: per image the mean over its classes with a value,
 * then the mean over the images that have one. The images column counts the values each mean is taken over.
 */
final class EvalSummary {
    private final Map<Integer, NanMean> dicePerClass = new TreeMap<>();
    private final Map<Integer, NanMean> iouPerClass = new TreeMap<>();
    private final NanMean dicePerImage = new NanMean();
    private final NanMean iouPerImage = new NanMean();

    /** Adds every image of one scored file. */
    void add(MetricResult result) {
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

    void print(PrintWriter out, int scored, int failed) {
        out.printf(Locale.ROOT, "%d file(s) scored, %d failed%n", scored, failed);
        out.printf(Locale.ROOT, "%-6s %10s %10s %8s%n", "class", "dice", "iou", "images");
        for (Map.Entry<Integer, NanMean> entry : dicePerClass.entrySet()) {
            NanMean dice = entry.getValue();
            out.printf(Locale.ROOT, "%-6d %10.6f %10.6f %8d%n", entry.getKey(), dice.value(),
                    iouPerClass.get(entry.getKey()).value(), dice.count);
        }
        out.printf(Locale.ROOT, "%-6s %10.6f %10.6f %8d%n", "mean", dicePerImage.value(), iouPerImage.value(),
                dicePerImage.count);
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
