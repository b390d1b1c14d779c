package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loss --grad} asked to stop (SIGTERM, as a job scheduler or Ctrl-C's SIGINT would) while its temporary file
 * is being written leaves no temporary file: the shutdown hook deletes it. The signal is sent as soon as the
 * temporary file appears; at least one signal must land while it exists, so that the property is not checked on
 * finished runs only.
 */
class OutputTerminatedTest {
    private static final int CLASSES = 8;
    private static final int VOXELS = 1 << 21;

    @TempDir
    Path folder;

    @Test
    void aTerminatedRunLeavesNoTemporaryFileAndNoPartialOutput() throws IOException, InterruptedException {
        Path logits = CliFixtures.logits(folder.resolve("logits.npy"), 1, CLASSES, VOXELS);
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, CLASSES, VOXELS);
        Path outputs = Files.createDirectory(folder.resolve("out"));
        long complete = Files.size(logits);
        int landedWhileWriting = 0;
        for (int round = 0; round < 4 && landedWhileWriting == 0; round++) {
            Path gradient = outputs.resolve("gradient" + round + ".npy");
            Process child = CliProcess.start("loss", "--logits", logits.toString(), "--target", labels.toString(),
                    "--grad", gradient.toString());
            boolean seen = awaitTemporary(outputs, child);
            child.destroy();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop");
            if (seen && child.exitValue() != 0) {
                landedWhileWriting++;
            }
            assertFalse(temporaryPresent(outputs), "a temporary file was left (round " + round + ")");
            assertTrue(!Files.exists(gradient) || Files.size(gradient) == complete, "a partial output");
        }
        assertTrue(landedWhileWriting > 0, "no signal landed while the temporary file existed");
    }

    /** Waits until a temporary file exists in {@code folder} (true) or the child has ended (false). */
    private static boolean awaitTemporary(Path folder, Process child) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (temporaryPresent(folder)) {
                return true;
            }
            if (!child.isAlive()) {
                return false;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static boolean temporaryPresent(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".tmp"));
        }
    }
}
