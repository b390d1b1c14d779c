package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused option is named as the user typed it (the flag, not the library's builder method), and a combination
 * in which one option would be silently ignored is refused.
 */
class OptionMessagesTest {
    @TempDir
    Path folder;

    private Path logits;
    private Path labels;

    @BeforeEach
    void inputs() {
        logits = CliFixtures.logits(folder.resolve("logits.npy"), 2, 3, 20);
        labels = CliFixtures.labels(folder.resolve("labels.npy"), 2, 3, 20);
    }

    private String lossError(String... options) {
        List<String> args = new ArrayList<>(List.of("loss", "--logits", logits.toString(), "--target",
                labels.toString()));
        args.addAll(List.of(options));
        return error(args.toArray(String[]::new));
    }

    @Test
    void badValuesNameTheirFlag() {
        assertEquals("dice4j: --smooth: expected a finite value ≥ 0, got -1.0", lossError("--smooth", "-1"));
        assertEquals("dice4j: --smooth-nr: expected a finite value ≥ 0, got NaN", lossError("--smooth-nr", "NaN"));
        assertEquals("dice4j: --focal-gamma: expected a finite value > 0, got 0.0", lossError("--focal-gamma", "0"));
        assertEquals("dice4j: --weights: expected C = 3 values (the classes of " + logits + "), got 2",
                lossError("--weights", "1,2"));
        assertEquals("dice4j: --weights: expected a finite value ≥ 0, got -2.0", lossError("--weights", "1,-2,1"));
    }

    @Test
    void optionsThatWouldBeIgnoredAreRefused() {
        assertEquals("dice4j: --smooth: cannot be combined with --smooth-nr (--smooth sets both)",
                lossError("--smooth", "1", "--smooth-nr", "0.5"));
        assertEquals("dice4j: --smooth: cannot be combined with --smooth-dr (--smooth sets both)",
                lossError("--smooth", "1", "--smooth-dr", "0.5"));
        assertEquals("dice4j: --log-loss: cannot be combined with --focal-gamma (each term is then −ln S, which has no"
                + " exponent)", lossError("--log-loss", "--focal-gamma", "2"));
        assertEquals("dice4j: --weight-normalization: only used with --weights (with every weight 1 both"
                + " normalizations give the same mean)", lossError("--weight-normalization", "weight-sum"));
        assertEquals("dice4j: --weight-normalization: only used with --reduction mean, got --reduction sum",
                lossError("--weights", "1,2,3", "--weight-normalization", "weight-sum", "--reduction", "sum"));
        assertEquals("dice4j: --alpha: only used with --variant tversky, got --variant dice",
                lossError("--alpha", "0.3"));
        assertEquals("dice4j: --beta: only used with --variant tversky, got --variant jaccard",
                lossError("--variant", "jaccard", "--beta", "0.7"));
    }

    @Test
    void generalizedDiceRefusesTheOptionsItDoesNotUse() {
        String why = " (generalized Dice is 1 − one Dice score per image, its classes weighted by their volumes)";
        assertEquals("dice4j: --generalized: cannot be combined with --log-loss" + why,
                lossError("--generalized", "simple", "--log-loss"));
        assertEquals("dice4j: --generalized: cannot be combined with --variant jaccard" + why,
                lossError("--generalized", "square", "--variant", "jaccard"));
        assertEquals("dice4j: --generalized: cannot be combined with --weights" + why,
                lossError("--generalized", "uniform", "--weights", "1,1,1"));
        assertEquals("dice4j: --generalized: cannot be combined with --empty zero" + why,
                lossError("--generalized", "uniform", "--empty", "zero"));
    }

    @Test
    void whatTheLibraryRefusesIsNamedByTheFlag() {
        assertEquals("dice4j: --squared: the Tversky score is defined for q = 1 only",
                lossError("--squared", "--variant", "tversky"));
        assertEquals("dice4j: --soft-label: the soft-label formulation needs q = 1, not squared",
                lossError("--soft-label", "--squared"));
        assertEquals("dice4j: --ce-weight: 1.0 needs logits: the cross-entropy is defined for the SOFTMAX and SIGMOID"
                + " activations, not NONE", lossError("--ce-weight", "1", "--activation", "none"));
    }

    @Test
    void optionsThatDoNotFitTheFilesNameTheFlagAndTheFile() {
        Path binary = CliFixtures.logits(folder.resolve("binary.npy"), 2, 1, 20);
        Path mask = CliFixtures.logits(folder.resolve("mask.npy"), 2, 1, 20);
        assertEquals("dice4j: --exclude-background: needs C > 1, got C = 1 (class 0 is the only class of " + binary
                + ")", error("loss", "--logits", binary.toString(), "--target", labels.toString(),
                        "--exclude-background"));
        assertTrue(error("loss", "--logits", binary.toString(), "--target", labels.toString(), "--activation",
                "softmax").startsWith("dice4j: --activation: SOFTMAX needs C > 1"));
        assertEquals("dice4j: --ignore-index: 255 needs an integer label-map target, got a dense float32 target",
                error("loss", "--logits", binary.toString(), "--target", mask.toString(), "--ignore-index", "255"));
        assertEquals("dice4j: --exclude-background: needs C > 1, got C = 1 (class 0 is the only class of " + binary
                + ")", error("metric", "--pred", binary.toString(), "--target", labels.toString(),
                        "--exclude-background"));
        assertEquals("dice4j: --threshold: a SIGMOID probability threshold must be in (0, 1), got 1.5",
                error("metric", "--pred", binary.toString(), "--target", labels.toString(), "--threshold", "1.5"));
        assertEquals("dice4j: --ignore-index: 255 needs an integer label-map target, got a dense float32 target",
                error("metric", "--pred", binary.toString(), "--target", mask.toString(), "--ignore-index", "255"));
    }

    @Test
    void metricOptionsThatWouldBeIgnoredAreRefused() {
        assertEquals("dice4j: --threshold: only used with a sigmoid or with --activation none and C = 1; the default"
                + " softmax takes the argmax of the C = 3 scores of " + logits, error("metric", "--pred",
                        logits.toString(), "--target", labels.toString(), "--threshold", "0.3"));
        assertEquals("dice4j: --threshold: only used with a sigmoid or with --activation none and C = 1; --activation"
                + " none takes the argmax of the C = 3 scores of " + logits, error("metric", "--pred",
                        logits.toString(), "--target", labels.toString(), "--activation", "none", "--threshold", "0"));
        assertEquals("dice4j: --activation: only used with scores; the prediction " + labels + " is a label map",
                error("metric", "--pred", labels.toString(), "--target", labels.toString(), "--num-classes", "3",
                        "--activation", "sigmoid"));
        assertEquals("dice4j: --batch: cannot be combined with --reduction none (--batch gives one value per class,"
                + " none one per (image, class))", error("metric", "--pred", logits.toString(), "--target",
                        labels.toString(), "--batch", "--reduction", "none"));
    }

    @Test
    void benchRefusesARepeatedShapeAndASoftmaxOverOneClass() {
        assertEquals("dice4j: --shape: given 2 times; give its values once, separated by commas",
                error("bench", "--shape", "1,2", "--shape", "8"));
        assertTrue(error("bench", "--shape", "1,1,8", "--activation", "softmax", "--seconds", "0.01")
                .startsWith("dice4j: --activation: SOFTMAX needs C > 1"));
    }

    @Test
    void aRepeatedValueFlagIsRefusedByPicocliUnderItsName() {
        assertEquals("dice4j: option '--smooth-nr' (X) should be specified only once (see dice4j loss --help)",
                lossError("--smooth-nr", "1", "--smooth-nr", "2"));
    }

    /** The one line of stderr of a run that must fail with exit code 2. */
    private static String error(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        return run.err().strip();
    }

    @Test
    void aRepeatedListFlagOrAOneDashOptionIsRefusedByName() {
        assertEquals("dice4j: --weights: given 2 times; give its values once, separated by commas",
                lossError("--weights", "1,1", "--weights", "1"));
        CliRun oneDash = CliRun.of("loss", "-logits", logits.toString(), "--target", labels.toString());
        assertEquals(2, oneDash.exitCode(), oneDash.err());
        assertEquals("dice4j: Unknown option: '-logits' (see dice4j loss --help)\n", oneDash.err());
    }

    @Test
    void channelsLastLogitsWithoutTheFlagGetTheFlagSuggested() {
        Path channelsLast = CliFixtures.logits(folder.resolve("channels-last.npy"), 2, 20, 3);
        CliRun run = CliRun.of("loss", "--logits", channelsLast.toString(), "--target", labels.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("dice4j: --channels-last: the label map " + labels + " of shape [2, 20] fits the logits [2, 20, 3]"
                + " only as (N, spatial…, C = 3); add --channels-last if that is their layout\n", run.err());
        assertEquals(0, CliRun.of("loss", "--logits", channelsLast.toString(), "--target", labels.toString(),
                "--channels-last").exitCode());
        assertEquals("dice4j: " + channelsLast + ": the label map " + labels + " of shape [2, 20] fits the scores"
                + " [2, 20, 3] only as (N, spatial…, C = 3); the metric reads scores as (N, C, spatial…): move their"
                + " class axis to axis 1", error("metric", "--pred", channelsLast.toString(), "--target",
                        labels.toString()));
    }

    @Test
    void twoLabelMapsNeedTheClassCountByItsFlag() {
        CliRun run = CliRun.of("metric", "--pred", labels.toString(), "--target", labels.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("dice4j: --num-classes: required when the prediction " + labels + " and the target " + labels
                + " are both label maps\n", run.err());
        CliRun differing = CliRun.of("metric", "--pred", logits.toString(), "--target", labels.toString(),
                "--num-classes", "5");
        assertEquals(2, differing.exitCode(), differing.err());
        assertTrue(differing.err().startsWith("dice4j: --num-classes: 5 differs from the C = 3 of the prediction "),
                differing.err());
    }
}
