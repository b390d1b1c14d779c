package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line never damages an input and never leaves a half-written output: an output that is an input is
 * refused, a device or FIFO is written into (never renamed over), a symbolic link keeps pointing where it did, and
 * a full disk is an error naming the output with nothing left behind.
 */
class OutputSafetyTest {
    @TempDir
    Path folder;

    private Path logits;
    private Path labels;

    @BeforeEach
    void inputs() {
        logits = CliFixtures.logits(folder.resolve("logits.npy"), 2, 3, 20);
        labels = CliFixtures.labels(folder.resolve("labels.npy"), 2, 3, 20);
    }

    private CliRun lossWithGradient(Path gradient) {
        return CliRun.of("loss", "--logits", logits.toString(), "--target", labels.toString(), "--grad",
                gradient.toString());
    }

    @Test
    void anOutputThatIsAnInputUnderAnyNameIsRefusedAndTheInputKeepsItsBytes() throws IOException {
        Path hardLink = Files.createLink(folder.resolve("hard-link.npy"), logits);
        Path symbolicLink = Files.createSymbolicLink(folder.resolve("symbolic-link.npy"), labels);
        Path dotted = folder.resolve(".").resolve("labels.npy");
        Map<String, String> before = CliFixtures.snapshot(folder);
        for (Path output : new Path[] {logits, labels, hardLink, symbolicLink, dotted}) {
            CliRun run = lossWithGradient(output);
            assertEquals(2, run.exitCode(), output + ": " + run.err());
            assertTrue(run.err().startsWith("dice4j: --grad: " + output + " is the same file as --"), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertEquals(before, CliFixtures.snapshot(folder), "after --grad " + output);
        }
        assertTrue(Files.isSymbolicLink(symbolicLink));
    }

    @Test
    void evalRefusesACsvThatIsOneOfItsInputs() throws IOException {
        Path predictions = Files.createDirectory(folder.resolve("predictions"));
        Path targets = Files.createDirectory(folder.resolve("targets"));
        Files.copy(labels, predictions.resolve("case.npy"));
        Path target = Files.copy(labels, targets.resolve("case.npy"));
        Map<String, String> before = CliFixtures.snapshot(targets);
        CliRun run = CliRun.of("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--num-classes", "3", "--out", target.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("dice4j: --out: " + target + " is the same file as the target " + target
                + "; writing it would destroy that input, choose another output\n", run.err());
        assertEquals(before, CliFixtures.snapshot(targets));
        CliRun intoFolder = CliRun.of("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--num-classes", "3", "--out", "/");
        assertEquals(2, intoFolder.exitCode(), intoFolder.err());
        assertEquals("dice4j: --out: / is a folder, expected a file name\n", intoFolder.err());
    }

    @Test
    void aFolderOrAMissingFolderAsOutputIsNamed() {
        CliRun root = lossWithGradient(Path.of("/"));
        assertEquals(2, root.exitCode(), root.err());
        assertEquals("dice4j: --grad: / is a folder, expected a file name\n", root.err());
        CliRun missing = lossWithGradient(folder.resolve("no-such-folder").resolve("g.npy"));
        assertEquals(2, missing.exitCode(), missing.err());
        assertEquals("dice4j: --grad: the folder " + folder.resolve("no-such-folder") + " of "
                + folder.resolve("no-such-folder").resolve("g.npy") + " does not exist\n", missing.err());
    }

    @Test
    void aFifoIsWrittenIntoInOrderAndStaysAFifo() throws Exception {
        Path fifo = folder.resolve("gradient.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliRun run = lossWithGradient(fifo);
        assertEquals(0, run.exitCode(), run.err());
        byte[] streamed = read.get(30, TimeUnit.SECONDS);
        Path expected = folder.resolve("expected.npy");
        assertEquals(0, lossWithGradient(expected).exitCode());
        assertArrayEquals(Files.readAllBytes(expected), streamed);
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "the FIFO was replaced");
    }

    @Test
    void aCharacterDeviceIsWrittenIntoNotReplaced() throws Exception {
        assumeTrue(CliFixtures.root(), "making a device node needs root");
        Path devNull = folder.resolve("null");
        assumeTrue(new ProcessBuilder("mknod", devNull.toString(), "c", "1", "3").start().waitFor() == 0,
                "mknod failed");
        CliRun run = lossWithGradient(devNull);
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(Files.isRegularFile(devNull), "the device node was replaced by a file");
        assertEquals(0, Files.size(devNull));
    }

    @Test
    void aSymbolicLinkToAFileKeepsPointingToItAndThatFileIsReplaced() throws IOException {
        Path real = Files.createDirectory(folder.resolve("elsewhere")).resolve("gradient.npy");
        Files.write(real, new byte[] {1, 2, 3});
        Path link = Files.createSymbolicLink(folder.resolve("gradient.npy"), real);
        CliRun run = lossWithGradient(link);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isSymbolicLink(link));
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(2 * 3 * 20, NpyFile.read(real, arena).tensor().elementCount());
        }
    }

    @Test
    void aFullDiskIsAnErrorNamingTheOutputAndLeavesNothingBehind() throws Exception {
        assumeTrue(CliFixtures.root(), "mounting a small tmpfs needs root");
        Path small = Files.createDirectory(folder.resolve("small-disk"));
        assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString()).start()
                .waitFor() == 0, "mount -t tmpfs failed");
        try {
            // 2 × 3 × 2^16 float32 gradient values: 1.5 MiB into a 1 MiB file system.
            logits = CliFixtures.logits(folder.resolve("large-logits.npy"), 2, 3, 1 << 16);
            labels = CliFixtures.labels(folder.resolve("large-labels.npy"), 2, 3, 1 << 16);
            Path gradient = small.resolve("gradient.npy");
            CliRun run = lossWithGradient(gradient);
            assertEquals(1, run.exitCode(), run.err());
            assertEquals("dice4j: " + gradient + ": cannot write: no space left on device\n", run.err());
            assertEquals(Map.of(), CliFixtures.snapshot(small), "left in the full file system");
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void noTemporaryFileOutlivesARun() throws IOException {
        assertEquals(0, lossWithGradient(folder.resolve("gradient.npy")).exitCode());
        assertEquals(2, lossWithGradient(folder.resolve("missing").resolve("gradient.npy")).exitCode());
        assertEquals(java.util.Set.of(), OutputFile.Temporaries.live());
        assertFalse(CliFixtures.snapshot(folder).keySet().stream().anyMatch(name -> name.endsWith(".tmp")));
        assertTrue(Files.exists(folder.resolve("gradient.npy"), LinkOption.NOFOLLOW_LINKS));
    }
}
