package org.dice4j.cli;

import java.nio.file.Path;
import org.dice4j.DiceMetric;
import org.dice4j.Tensor;
import picocli.CommandLine.Option;

/** The options of the hard metric, shared by {@code metric} and {@code eval}. */
final class MetricOptions {
    @Option(names = "--threshold", paramLabel = "X", defaultValue = "0.5",
            description = "Probability threshold after a sigmoid, or score threshold with --activation none and C = 1."
                    + " Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--activation", paramLabel = "sigmoid|softmax|none",
            description = "softmax or none (C > 1): argmax; sigmoid: per-channel threshold. Default: softmax when"
                    + " C > 1, else sigmoid.")
    String activation;

    @Option(names = "--exclude-background", description = "Drop class 0. Default: off.")
    boolean excludeBackground;

    @Option(names = "--keep-empty",
            description = "Score empty targets (1 if nothing is predicted, else 0) instead of"
                    + " NaN. Default: off.")
    boolean keepEmpty;

    @Option(names = "--ignore-index", paramLabel = "K",
            description = "Target label whose voxels count in no class."
                    + " Default: none.")
    Long ignoreIndex;

    @Option(names = "--num-classes", paramLabel = "C", defaultValue = "0",
            description = "Class count, needed when prediction and target are both label maps. Default:"
                    + " ${DEFAULT-VALUE}"
                    + " (from the scores' C).")
    int numClasses;

    /** The class count for the tensors of two files, checked under the flag's name (the library says numClasses). */
    void checkClasses(Tensor prediction, Path predictionPath, Tensor target, Path targetPath) {
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
    }

    DiceMetric build() {
        OptionChecks.finite("--threshold", threshold);
        DiceMetric.Builder builder = DiceMetric.builder().threshold(threshold).includeBackground(!excludeBackground)
                .ignoreEmpty(!keepEmpty).numClasses(numClasses);
        if (activation != null) {
            builder.activation(ActivationOption.parse(activation));
        }
        if (ignoreIndex != null) {
            builder.ignoreIndex(ignoreIndex);
        }
        return builder.build();
    }
}
