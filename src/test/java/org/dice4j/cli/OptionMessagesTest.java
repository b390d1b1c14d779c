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
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        return run.err().strip();
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
        assertEquals("dice4j: --smooth: cannot be combined with --smooth-nr (--smooth sets what --smooth-nr sets)",
                lossError("--smooth", "1", "--smooth-nr", "0.5"));
        assertEquals("dice4j: --alpha: only used with --variant tversky, got --variant dice",
                lossError("--alpha", "0.3"));
        assertEquals("dice4j: --beta: only used with --variant tversky, got --variant jaccard",
                lossError("--variant", "jaccard", "--beta", "0.7"));
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
