package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.dice4j.Activation;
import org.dice4j.LossResult;
import org.dice4j.Reduction;
import org.dice4j.Statistics;

/** What {@code loss} prints: the JSON line of {@code --json} (docs/cli.md), or a table per (image, class). */
final class LossReport {
    private LossReport() {}

    static String json(LossResult result, long[] shape, Activation activation, String kernel, double elapsedMs) {
        // "loss" is a number, there only when the terms are reduced to one (under none the values are "terms").
        StringBuilder json = new StringBuilder("{");
        if (result.reduction() != Reduction.NONE) {
            json.append("\"loss\": ").append(Json.number(result.loss())).append(", ");
        }
        json.append("\"reduction\": \"").append(result.reduction().name().toLowerCase(Locale.ROOT)).append('"');
        Statistics statistics = result.statistics();
        if (!Double.isNaN(result.crossEntropy())) {
            json.append(", \"dice_loss\": ").append(Json.number(result.diceLoss()));
            json.append(", \"cross_entropy\": ").append(Json.number(result.crossEntropy()));
        }
        json.append(", \"terms\": ").append(Json.matrix(result.terms()));
        json.append(", \"intersection\": ").append(Json.matrix(statistics.intersection()));
        json.append(", \"pred_sum\": ").append(Json.matrix(statistics.predSum()));
        json.append(", \"target_sum\": ").append(Json.matrix(statistics.targetSum()));
        json.append(", \"shape\": ").append(Arrays.toString(shape));
        json.append(", \"activation\": \"").append(activation.name().toLowerCase(Locale.ROOT)).append('"');
        json.append(", \"kernel\": \"").append(kernel).append('"');
        json.append(", \"elapsed_ms\": ").append(Json.number(elapsedMs)).append('}');
        return json.toString();
    }

    static void table(PrintWriter out, LossResult result, long[] shape, Activation activation, String kernel,
            double elapsedMs) {
        out.printf(Locale.ROOT, "logits %s, %s, %s kernels, %.1f ms%n", Arrays.toString(shape),
                activation.name().toLowerCase(Locale.ROOT), kernel, elapsedMs);
        if (result.reduction() != Reduction.NONE) {
            out.printf(Locale.ROOT, "loss (%s): %.9g%n", result.reduction().name().toLowerCase(Locale.ROOT), result.loss());
            if (!Double.isNaN(result.crossEntropy())) {
                out.printf(Locale.ROOT, "dice part: %.9g, cross-entropy: %.9g%n", result.diceLoss(), result.crossEntropy());
            }
        }
        Statistics statistics = result.statistics();
        out.printf(Locale.ROOT, "%-6s %-6s %16s %16s %16s %16s%n", "image", "class", "w·term", "intersection",
                "pred_sum", "target_sum");
        for (int row = 0; row < result.rows(); row++) {
            for (int column = 0; column < result.columns(); column++) {
                int c = column + result.firstClass();
                String image = result.rows() == 1 && statistics.images() > 1 ? "all" : Integer.toString(row);
                double[] sums = new double[3];
                for (int n = 0; n < statistics.images(); n++) {
                    if (result.rows() == 1 && statistics.images() > 1 || n == row) {
                        sums[0] += statistics.intersection(n, c);
                        sums[1] += statistics.predSum(n, c);
                        sums[2] += statistics.targetSum(n, c);
                    }
                }
                out.printf(Locale.ROOT, "%-6s %-6d %16.9g %16.9g %16.9g %16.9g%n", image, c, result.term(row, column),
                        sums[0], sums[1], sums[2]);
            }
        }
    }
}
