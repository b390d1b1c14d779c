package org.dice4j.cli;

import java.nio.file.Path;
import org.dice4j.Activation;
import org.dice4j.DiceMetric;
import org.dice4j.Tensor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The options of the hard metric, shared by {@code metric} and {@code eval}. */
final class MetricOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "0.5",
            description = "Probability threshold after a sigmoid, or score threshold with --activation none and C = 1"
                    + " (not where an argmax decides, nor with a label-map prediction). Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--activation", paramLabel = "sigmoid|softmax|none",
            description = "How scores become classes: softmax or none (C > 1) take the argmax, sigmoid thresholds"
                    + " each channel (scores only, not a label-map prediction). Default: softmax when C > 1, else"
                    + " sigmoid.")
    String activation;

    @Mixin
    ClassSelection selection;

    @Option(names = "--keep-empty",
            description = "Score empty targets (1 if nothing is predicted, else 0) instead of NaN. Default: off.")
    boolean keepEmpty;

    @Option(names = "--num-classes", paramLabel = "C", defaultValue = "0",
            description = "Class count, needed when prediction and target are both label maps. Default:"
                    + " ${DEFAULT-VALUE} (from the scores' C).")
    int numClasses;

    /** The options against the tensors of two files, under their flags' names (the library would say numClasses). */
    void check(Tensor prediction, Path predictionPath, Tensor target, Path targetPath) {
        if (numClasses < 0) {
            throw new IllegalArgumentException("--num-classes: expected a value ≥ 1, got " + numClasses);
        }
        boolean labelPrediction = prediction.dtype().isInteger();
        if (labelPrediction && target.dtype().isInteger() && numClasses == 0) {
            throw new IllegalArgumentException("--num-classes: required when the prediction " + predictionPath
                    + " and the target " + targetPath + " are both label maps");
        }
        long[] shape = prediction.shape();
        if (!labelPrediction && numClasses != 0 && shape.length > 1 && shape[1] != numClasses) {
            throw new IllegalArgumentException("--num-classes: " + numClasses + " differs from the C = " + shape[1]
                    + " of the prediction " + predictionPath);
        }
        if (labelPrediction) {
            for (String flag : new String[] {"--activation", "--threshold"}) {
                if (OptionChecks.given(spec, flag)) {
                    throw new IllegalArgumentException(flag + ": only used with scores; the prediction "
                            + predictionPath + " is a label map");
                }
            }
        } else if (ChannelsLastHint.fitsOnlyChannelsLast(shape, target.dtype().isInteger(), target.shape())) {
            throw ChannelsLastHint.forMetric(predictionPath, shape, target.shape(), targetPath);
        } else if (shape.length > 1) {
            selection.checkClasses(shape[1], predictionPath);
            checkThreshold(shape[1], predictionPath);
        }
    }

    /** A threshold decides only under a sigmoid, or with scores taken as they are for one class. */
    private void checkThreshold(long classes, Path predictionPath) {
        Activation resolved = activation != null ? ActivationOption.parse(activation)
                : classes > 1 ? Activation.SOFTMAX : Activation.SIGMOID;
        boolean argmax = resolved == Activation.SOFTMAX || (resolved == Activation.NONE && classes > 1);
        if (argmax && OptionChecks.given(spec, "--threshold")) {
            throw new IllegalArgumentException("--threshold: only used with a sigmoid or with --activation none and"
                    + " C = 1; " + (activation != null ? "--activation " + activation.trim() : "the default softmax")
                    + " takes the argmax of the C = " + classes + " scores of " + predictionPath);
        }
    }

    DiceMetric build() {
        OptionChecks.finite("--threshold", threshold);
        DiceMetric.Builder builder = DiceMetric.builder().threshold(threshold)
                .includeBackground(!selection.excludeBackground).ignoreEmpty(!keepEmpty);
        if (numClasses != 0) {
            builder.numClasses(numClasses);
        }
        if (activation != null) {
            builder.activation(ActivationOption.parse(activation));
        }
        if (selection.ignoreIndex != null) {
            builder.ignoreIndex(selection.ignoreIndex);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LibraryMessages.locate(e), e);
        }
    }
}
