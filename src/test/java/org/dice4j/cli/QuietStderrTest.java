package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On success stderr holds only what the user asked for: the kernel choice only with {@code --verbose}, a fallback
 * warning always. The JDK's own "Using incubator modules" line is not dice4j's to silence.
 */
class QuietStderrTest {
    @TempDir
    Path folder;

    @Test
    void theKernelLineAppearsOnlyWithVerbose() throws Exception {
        Path logits = CliFixtures.logits(folder.resolve("logits.npy"), 1, 3, 20);
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, 3, 20);
        String[] loss = {"loss", "--logits", logits.toString(), "--target", labels.toString()};
        CliRun quiet = CliProcess.run(List.of(), loss);
        assertEquals(0, quiet.exitCode(), quiet.err());
        assertFalse(quiet.err().contains("INFO"), quiet.err());
        CliRun verbose = CliProcess.run(List.of(), "loss", "--logits", logits.toString(), "--target",
                labels.toString(), "--verbose");
        assertEquals(0, verbose.exitCode(), verbose.err());
        assertTrue(verbose.err().contains("INFO: dice4j: ") || verbose.err().contains("not readable"), verbose.err());
    }
}
