package org.dice4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.EmptyPolicy;
import org.dice4j.Layout;
import org.dice4j.LossResult;
import org.dice4j.Reduction;
import org.dice4j.Statistics;
import org.dice4j.Tensor;
import org.dice4j.Variant;
import org.dice4j.WeightNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dice4j loss}: the loss of logits against a target, both {@code .npy} files mapped into memory, with every
 * option of the semantics that the library implements; {@code --grad} also writes ∂L/∂logits as an {@code .npy}
 * file (computed straight into the mapped output, renamed into place when complete).
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = "Loss (and optionally its gradient) of logits against a target, from .npy files.")
final class LossCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--logits", required = true, paramLabel = "L.npy", description = "float32 logits (N, C, spatial…).")
    Path logitsPath;

    @Option(names = "--target", required = true, paramLabel = "T.npy",
            description = "Dense float32 target of the logits' shape, or an integer label map (N, spatial…).")
    Path targetPath;

    @Option(names = "--activation", paramLabel = "sigmoid|softmax|none",
            description = "Activation of the logits: sigmoid (each channel), softmax (over the channels) or none"
                    + " (probabilities given). Default: softmax when C > 1, else sigmoid.")
    String activation;

    @Option(names = "--target-kind", paramLabel = "auto|dense|labels", defaultValue = "auto",
            description = "auto: a label map when the target file is integer-typed, else dense. Default:"
                    + " ${DEFAULT-VALUE}.")
    String targetKind;

    @Option(names = "--channels-last",
            description = "Logits (and a dense target, and --grad) are (N, spatial…, C)."
                    + " Default: off"
                    + " (N, C, spatial…).")
    boolean channelsLast;

    @Option(names = "--variant", paramLabel = "dice|jaccard|tversky", defaultValue = "dice",
            description = "Score: Dice 2I/(P+G), Jaccard I/(P+G−I), or Tversky I/(I+α·FP+β·FN). Default:"
                    + " ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--alpha", paramLabel = "X", defaultValue = "0.5",
            description = "Tversky weight α of false"
                    + " positives (with --variant tversky). Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--beta", paramLabel = "X", defaultValue = "0.5",
            description = "Tversky weight β of false"
                    + " negatives (with --variant tversky). Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--focal-gamma", paramLabel = "X", defaultValue = "1",
            description = "Focal exponent γ: each term"
                    + " is (1 − S)^γ. Default: ${DEFAULT-VALUE} (plain 1 − S).")
    double focalGamma;

    @Option(names = "--log-loss", description = "Each term is −ln S instead of 1 − S. Default: off.")
    boolean logLoss;

    @Option(names = "--squared", description = "Σp² and Σg² in the denominator instead of Σp and Σg. Default: off.")
    boolean squared;

    @Option(names = "--soft-label",
            description = "Soft-label formulation (its minimum is at p = g also for soft"
                    + " targets). Default: off.")
    boolean softLabel;

    @Option(names = "--smooth", paramLabel = "X",
            description = "Sets both --smooth-nr and --smooth-dr to this value."
                    + " Default: unset.")
    Double smooth;

    @Option(names = "--smooth-nr", paramLabel = "X", defaultValue = "1e-5",
            description = "Smoothing added to the score's numerator. Default: ${DEFAULT-VALUE}.")
    double smoothNumerator;

    @Option(names = "--smooth-dr", paramLabel = "X", defaultValue = "1e-5",
            description = "Smoothing added to the score's denominator. Default: ${DEFAULT-VALUE}.")
    double smoothDenominator;

    @Option(names = "--denominator-floor", paramLabel = "X", defaultValue = "0",
            description = "Lower bound of every score's denominator (0: off). Default: ${DEFAULT-VALUE}.")
    double denominatorFloor;

    @Option(names = "--batch",
            description = "Statistics summed over the batch: one term per class instead of per"
                    + " (image, class)."
                    + " Default: off.")
    boolean batch;

    @Option(names = "--exclude-background",
            description = "Drop class 0 from the terms. Default: off (class 0"
                    + " included).")
    boolean excludeBackground;

    @Option(names = "--weights", split = ",", paramLabel = "w0,w1,…",
            description = "Class weights w_c, C values."
                    + " Default: all 1.")
    double[] weights;

    @Option(names = "--weight-normalization", paramLabel = "count|weight-sum", defaultValue = "count",
            description = "Mean of weighted terms: Σ w·ℓ over the number of terms (count) or over Σ w (weight-sum)."
                    + " Default: ${DEFAULT-VALUE}.")
    String weightNormalization;

    @Option(names = "--empty", paramLabel = "include|zero|exclude", defaultValue = "include",
            description = "A term whose target is empty: computed as usual (include), loss 0 but counted (zero), or"
                    + " left out of the reduction (exclude). Default: ${DEFAULT-VALUE}.")
    String empty;

    @Option(names = "--ignore-index", paramLabel = "K",
            description = "Label value whose voxels are masked out of every"
                    + " term. Default: none.")
    Long ignoreIndex;

    @Option(names = "--reduction", paramLabel = "mean|sum|none", defaultValue = "mean",
            description = "How the terms make the loss: their mean, their sum, or every term (none; --grad then"
                    + " differentiates their sum). Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Option(names = "--threads", paramLabel = "K", description = "Worker threads (results do not depend on it)."
                    + " Default: all cores.")
    Integer threads;

    @Option(names = "--generalized", paramLabel = "square|simple|uniform",
            description = "Generalized Dice, one term per image, with class weights 1/G² (square), 1/G (simple) or 1"
                    + " (uniform). Default: off (per-class terms).")
    String generalized;

    @Option(names = "--ce-weight", paramLabel = "X", defaultValue = "0",
            description = "λ_ce: weight of the cross-entropy in λ_dice·Dice + λ_ce·CE. Default: ${DEFAULT-VALUE}"
                    + " (none).")
    double crossEntropyWeight;

    @Option(names = "--dice-weight", paramLabel = "X", defaultValue = "1",
            description = "λ_dice: weight of the Dice part. Default: ${DEFAULT-VALUE}.")
    double diceWeight;

    @Option(names = "--grad", paramLabel = "OUT.npy",
            description = "Write ∂L/∂logits (float32, the logits' shape) to"
                    + " this file. Default: no gradient.")
    Path gradientPath;

    @Option(names = "--json", description = "Machine-readable output on stdout. Default: a table.")
    boolean json;

    @Override
    public Integer call() {
        DiceLoss loss = buildLoss();
        PrintWriter out = spec.commandLine().getOut();
        if (gradientPath != null) {
            Map<Path, String> inputs = new LinkedHashMap<>();
            inputs.put(logitsPath, "--logits");
            inputs.put(targetPath, "--target");
            OutputFile.check("--grad", gradientPath, inputs);
        }
        try (Arena arena = Arena.ofShared()) {
            NpyFile logitsFile = NpyFile.read(logitsPath, arena);
            NpyFile targetFile = NpyFile.read(targetPath, arena);
            if (logitsFile.dtype() != DType.FLOAT32 && logitsFile.dtype() != DType.FLOAT16) {
                throw new IllegalArgumentException(logitsPath + ": logits must be float32 ('<f4') or float16 ('<f2'), got "
                        + logitsFile.dtype().name().toLowerCase(Locale.ROOT));
            }
            checkTargetKind(targetFile);
            checkLayout(logitsFile.shape(), targetFile);
            checkWeights(logitsFile.shape());
            Layout layout = channelsLast ? Layout.CHANNELS_LAST : Layout.CHANNELS_FIRST;
            Tensor logits = logitsFile.tensor().withLayout(layout);
            Tensor target = targetFile.dtype() == DType.FLOAT32 ? targetFile.tensor().withLayout(layout)
                    : targetFile.tensor();
            long start = System.nanoTime();
            LossResult result;
            try {
                if (gradientPath == null) {
                    result = loss.forward(logits, target);
                } else {
                    result = withGradient(loss, logits, target, logitsFile.shape());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(locate(e.getMessage()), e);
            }
            double elapsedMs = (System.nanoTime() - start) / 1e6;
            Activation resolved = loss.activationFor(classes(logitsFile.shape()));
            if (json) {
                out.println(json(result, logitsFile.shape(), resolved, loss.kernelName(), elapsedMs));
            } else {
                table(out, result, logitsFile.shape(), resolved, loss.kernelName(), elapsedMs);
            }
            out.flush();
        }
        return 0;
    }

    /** forwardBackward into the mapped output file, committed only when everything succeeded. */
    private LossResult withGradient(DiceLoss loss, Tensor logits, Tensor target, long[] shape) {
        try (NpyFile.Output output = NpyFile.Output.create(gradientPath, DType.FLOAT32, shape)) {
            Tensor gradient = Tensor.of(output.data(), DType.FLOAT32, shape)
                    .withLayout(channelsLast ? Layout.CHANNELS_LAST : Layout.CHANNELS_FIRST);
            LossResult result;
            if (loss.reduction() == Reduction.NONE) {
                // The gradient of the sum of the terms: every upstream value 1.
                int rows = batch ? 1 : (int) shape[0];
                int columns = generalized != null ? 1 : (int) classes(shape) - (excludeBackground ? 1 : 0);
                double[][] ones = new double[rows][columns];
                for (double[] row : ones) {
                    Arrays.fill(row, 1.0);
                }
                result = loss.forwardBackward(logits, target, gradient, ones);
            } else {
                result = loss.forwardBackward(logits, target, gradient);
            }
            output.commit();
            return result;
        }
    }

    /** C: the second axis, or the last with --channels-last. */
    private long classes(long[] shape) {
        return shape[channelsLast ? shape.length - 1 : 1];
    }

    /** Values and combinations, checked under the flags' names before the library sees them. */
    private void checkOptions() {
        OptionChecks.notTogether(spec, "--smooth", "--smooth-nr", "--smooth-dr");
        OptionChecks.once(spec, "--weights");
        if (!variant.trim().equalsIgnoreCase("tversky")) {
            for (String flag : new String[] {"--alpha", "--beta"}) {
                if (OptionChecks.given(spec, flag)) {
                    throw new IllegalArgumentException(flag + ": only used with --variant tversky, got --variant "
                            + variant);
                }
            }
        }
        if (smooth != null) {
            OptionChecks.nonNegative("--smooth", smooth);
        }
        OptionChecks.nonNegative("--smooth-nr", smoothNumerator);
        OptionChecks.nonNegative("--smooth-dr", smoothDenominator);
        OptionChecks.nonNegative("--denominator-floor", denominatorFloor);
        OptionChecks.nonNegative("--alpha", alpha);
        OptionChecks.nonNegative("--beta", beta);
        OptionChecks.positive("--focal-gamma", focalGamma);
        if (reduction.trim().equalsIgnoreCase("none") && (crossEntropyWeight != 0 || diceWeight != 1)) {
            throw new IllegalArgumentException("--reduction: none gives the Dice terms alone; --dice-weight "
                    + diceWeight + " and --ce-weight " + crossEntropyWeight + " need --reduction mean or sum"
                    + " (expected --dice-weight 1 and --ce-weight 0 with none)");
        }
        for (double weight : weights == null ? new double[0] : weights) {
            OptionChecks.nonNegative("--weights", weight);
        }
    }

    /** A label map that fits the logits only as (N, spatial…, C): suggest the flag instead of a shape mismatch. */
    private void checkLayout(long[] logitsShape, NpyFile target) {
        if (channelsLast || !target.dtype().isInteger() || logitsShape.length < 3) {
            return;
        }
        long[] labels = target.shape();
        long[] channelsFirst = new long[logitsShape.length - 1];
        channelsFirst[0] = logitsShape[0];
        System.arraycopy(logitsShape, 2, channelsFirst, 1, logitsShape.length - 2);
        long[] lastAxisDropped = Arrays.copyOf(logitsShape, logitsShape.length - 1);
        if (!Arrays.equals(labels, channelsFirst) && Arrays.equals(labels, lastAxisDropped)) {
            throw new IllegalArgumentException("--channels-last: the label map " + targetPath + " of shape "
                    + Arrays.toString(labels) + " fits the logits " + Arrays.toString(logitsShape) + " only as (N,"
                    + " spatial…, C = " + logitsShape[logitsShape.length - 1] + "); add --channels-last if that is"
                    + " their layout");
        }
    }

    /** --weights needs one value per class of the logits. */
    private void checkWeights(long[] logitsShape) {
        long classes = classes(logitsShape);
        if (weights != null && weights.length != classes) {
            throw new IllegalArgumentException("--weights: expected C = " + classes + " values (the classes of "
                    + logitsPath + "), got " + weights.length);
        }
    }

    private DiceLoss buildLoss() {
        checkOptions();
        DiceLoss.Builder builder = DiceLoss.builder();
        if (activation != null) {
            builder.activation(BenchCommand.parseActivation(activation));
        }
        switch (choice("--variant", variant, "dice", "jaccard", "tversky")) {
            case "jaccard" -> builder.variant(Variant.JACCARD);
            case "tversky" -> builder.tversky(alpha, beta);
            default -> builder.variant(Variant.DICE);
        }
        if (focalGamma != 1) {
            builder.focalGamma(focalGamma);
        }
        builder.logLoss(logLoss).squared(squared).softLabel(softLabel);
        if (smooth != null) {
            builder.smooth(smooth);
        } else {
            builder.smoothNumerator(smoothNumerator).smoothDenominator(smoothDenominator);
        }
        builder.denominatorFloor(denominatorFloor).batch(batch).includeBackground(!excludeBackground);
        if (weights != null) {
            builder.classWeights(weights);
        }
        builder.weightNormalization(choice("--weight-normalization", weightNormalization, "count", "weight-sum")
                .equals("count") ? WeightNormalization.COUNT : WeightNormalization.WEIGHT_SUM);
        builder.emptyPolicy(EmptyPolicy.valueOf(choice("--empty", empty, "include", "zero", "exclude")
                .toUpperCase(Locale.ROOT)));
        builder.reduction(Reduction.valueOf(choice("--reduction", reduction, "mean", "sum", "none")
                .toUpperCase(Locale.ROOT)));
        if (ignoreIndex != null) {
            builder.ignoreIndex(ignoreIndex);
        }
        builder.threads(threads != null ? positive("--threads", threads) : Runtime.getRuntime().availableProcessors());
        builder.lambdaDice(OptionChecks.nonNegative("--dice-weight", diceWeight));
        builder.lambdaCrossEntropy(OptionChecks.nonNegative("--ce-weight", crossEntropyWeight));
        if (generalized != null) {
            builder.generalized(org.dice4j.GeneralizedWeight.valueOf(
                    choice("--generalized", generalized, "square", "simple", "uniform").toUpperCase(Locale.ROOT)));
        }
        return builder.build();
    }

    private void checkTargetKind(NpyFile target) {
        String kind = choice("--target-kind", targetKind, "auto", "dense", "labels");
        if (kind.equals("dense") && target.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(targetPath + ": --target-kind dense needs a float32 ('<f4') file, got "
                    + target.dtype().name().toLowerCase(Locale.ROOT));
        }
        if (kind.equals("labels") && !target.dtype().isInteger()) {
            throw new IllegalArgumentException(targetPath + ": --target-kind labels needs an integer file (uint8,"
                    + " int32 or int64), got " + target.dtype().name().toLowerCase(Locale.ROOT));
        }
    }

    /** Names the file a library message is about: "logits: …" and "target: …" become the file's path. */
    private String locate(String message) {
        if (message.startsWith("logits:")) {
            return logitsPath + ":" + message.substring("logits:".length());
        }
        if (message.startsWith("target:")) {
            return targetPath + ":" + message.substring("target:".length());
        }
        return message;
    }

    static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + ": expected a value ≥ 1, got " + value);
        }
        return value;
    }

    static String choice(String option, String value, String... allowed) {
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(normalized)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(option + ": expected " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    static String json(LossResult result, long[] shape, Activation activation, String kernel, double elapsedMs) {
        // "loss" is always a number (null under reduction none, whose values are the "terms" matrix).
        StringBuilder json = new StringBuilder("{\"loss\": ");
        json.append(result.reduction() == Reduction.NONE ? "null" : Json.number(result.loss()));
        json.append(", \"reduction\": \"").append(result.reduction().name().toLowerCase(Locale.ROOT)).append('"');
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

    private static void table(PrintWriter out, LossResult result, long[] shape, Activation activation, String kernel,
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
