package org.dice4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dice4j metric}: hard Dice and IoU of a prediction against a target, both {@code .npy} files. */
@Command(name = "metric", mixinStandardHelpOptions = true,
        description = "Hard Dice and IoU per (image, class) of a prediction against a target, from .npy or NIfTI"
                + " (.nii, .nii.gz) files; one case per file (docs/evaluation.md) or batched .npy arrays.")
final class MetricCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pred", required = true, paramLabel = "P.npy",
            description = "float32 scores (N, C, spatial…) or an integer label map (N, spatial…).")
    Path predictionPath;

    @Option(names = "--target", required = true, paramLabel = "T.npy",
            description = "Integer label map (N, spatial…) or dense float32 one-hot (N, C, spatial…).")
    Path targetPath;

    @Mixin
    MetricOptions options;

    @Option(names = "--batch",
            description = "One value per class for the whole batch: per class, the mean over the images (loss --batch:"
                    + " one term per class). Default: off (--reduction decides).")
    boolean batch;

    @Option(names = "--reduction", paramLabel = "mean|mean-batch|none", defaultValue = "mean",
            description = "Mean over classes then images (mean) or every (image, class) value (none); mean-batch is the"
                    + " older spelling of --batch. Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        DiceMetric metric = options.build().toBuilder().reduction(reduction()).build();
        try (Arena arena = Arena.ofShared()) {
            CaseFile prediction = CaseFile.read(predictionPath, arena);
            CaseFile target = CaseFile.read(targetPath, arena);
            MetricResult result;
            try {
                Tensor[] pair = CasePair.forMetric(prediction, target, arena);
                options.check(pair[0], predictionPath, pair[1], targetPath);
                result = metric.compute(pair[0], pair[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        LibraryMessages.locate(e, "prediction", predictionPath, targetPath), e);
            }
            json.print(spec.commandLine().getOut(), () -> json(result), out -> table(out, result));
        }
        return 0;
    }

    /** --batch, or --reduction with its older spelling mean-batch for the same thing. */
    private MetricReduction reduction() {
        String chosen = OptionChecks.choice("--reduction", reduction, "mean", "mean-batch", "none");
        if (batch && chosen.equals("none")) {
            throw new IllegalArgumentException("--batch: cannot be combined with --reduction none (--batch gives one"
                    + " value per class, none one per (image, class))");
        }
        return switch (batch ? "mean-batch" : chosen) {
            case "mean" -> MetricReduction.MEAN;
            case "mean-batch" -> MetricReduction.MEAN_BATCH;
            default -> MetricReduction.NONE;
        };
    }

    /**
     * Each key keeps one type whatever the reduction: {@code dice}/{@code iou} numbers (mean), {@code
     * dice_per_class}/{@code iou_per_class} lists (mean-batch), the per-(image, class) matrices always.
     */
    static String json(MetricResult result) {
        StringBuilder json = new StringBuilder("{\"reduction\": \"")
                .append(result.reduction().name().toLowerCase(Locale.ROOT).replace('_', '-')).append('"');
        if (result.reduction() == MetricReduction.MEAN) {
            json.append(", \"dice\": ").append(Json.number(result.reducedDice()[0]));
            json.append(", \"iou\": ").append(Json.number(result.reducedIou()[0]));
        } else if (result.reduction() == MetricReduction.MEAN_BATCH) {
            json.append(", \"dice_per_class\": ").append(Json.list(result.reducedDice()));
            json.append(", \"iou_per_class\": ").append(Json.list(result.reducedIou()));
        }
        return json.append(", \"not_nan\": ").append(result.notNan()).append(", \"per_image_class_dice\": ")
                .append(Json.matrix(result.dice())).append(", \"per_image_class_iou\": ")
                .append(Json.matrix(result.iou())).append('}').toString();
    }

    private static void table(PrintWriter out, MetricResult result) {
        double[][] dice = result.dice();
        double[][] iou = result.iou();
        long[][] intersection = result.intersection();
        long[][] predicted = result.predicted();
        long[][] target = result.target();
        out.printf(Locale.ROOT, "%-6s %-6s %10s %10s %12s %12s %12s%n", "image", "class", "dice", "iou", "|A∩B|", "|A|", "|B|");
        for (int n = 0; n < dice.length; n++) {
            for (int column = 0; column < dice[n].length; column++) {
                out.printf(Locale.ROOT, "%-6d %-6d %10.6f %10.6f %12d %12d %12d%n", n, column + result.firstClass(),
                        dice[n][column], iou[n][column], intersection[n][column], predicted[n][column], target[n][column]);
            }
        }
        if (result.reduction() != MetricReduction.NONE) {
            out.printf(Locale.ROOT, "%s dice: %s, iou: %s (%d of %d values not NaN)%n",
                    result.reduction().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    Json.list(result.reducedDice()), Json.list(result.reducedIou()), result.notNan(),
                    dice.length * (dice.length == 0 ? 0 : dice[0].length));
        }
    }
}
