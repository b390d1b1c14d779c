package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs are read, never trusted: a file that shrinks during the run, a FIFO, a folder, an unreadable file or an
 * {@code @file} argument is a one-line error naming it, never a crash, a hang or a dump of its bytes.
 */
class InputSafetyTest {
    @TempDir
    Path folder;

    @Test
    void anInputTruncatedWhileTheCommandRunsIsAnErrorNamingItNeverACrash() throws Exception {
        Path logits = CliFixtures.logits(folder.resolve("logits.npy"), 1, 4, 1 << 19);
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, 4, 1 << 19);
        byte[] original = Files.readAllBytes(logits);
        String[] loss = {"loss", "--logits", logits.toString(), "--target", labels.toString(), "--threads", "1"};
        // Compiled kernels first: a mapped input truncated under compiled vector loads was a SIGBUS, not an error.
        long warmStart = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            assertEquals(0, CliRun.of(loss).exitCode());
        }
        long runNanos = (System.nanoTime() - warmStart) / 30;
        SplittableRandom random = new SplittableRandom(17);
        int landedWhileRunning = 0;
        for (int round = 0; round < 30; round++) {
            Files.write(logits, original);
            long delayNanos = random.nextLong(2 * runNanos);
            long[] truncatedAt = new long[1];
            Thread truncator = Thread.ofPlatform().start(() -> truncatedAt[0] = truncateAfter(logits, delayNanos));
            long start = System.nanoTime();
            CliRun run = CliRun.of(loss);
            long end = System.nanoTime();
            truncator.join();
            assertTrue(run.exitCode() == 0 || run.exitCode() == 2, "exit " + run.exitCode() + ": " + run.err());
            if (run.exitCode() == 2) {
                assertTrue(run.err().startsWith("dice4j: " + logits + ": "), run.err());
                assertEquals(1, run.err().lines().count(), run.err());
            }
            if (truncatedAt[0] > start && truncatedAt[0] < end) {
                landedWhileRunning++;
            }
        }
        assertTrue(landedWhileRunning > 0, "no truncation landed while the command ran: the rounds checked nothing");
    }

    /** Truncates {@code file} to its header after {@code delayNanos}; returns when (System.nanoTime). */
    private static long truncateAfter(Path file, long delayNanos) {
        long until = System.nanoTime() + delayNanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(128);
            return System.nanoTime();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFifoOrAFolderAsInputIsRefusedWithoutWaiting() throws Exception {
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, 3, 20);
        Path fifo = folder.resolve("logits.npy");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        CliRun fromFifo = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> CliRun.of("loss", "--logits", fifo.toString(), "--target", labels.toString()));
        assertEquals(2, fromFifo.exitCode());
        assertEquals("dice4j: " + fifo + ": is not a regular file (a FIFO, a socket or a device): .npy inputs must be"
                + " regular files\n", fromFifo.err());
        CliRun fromFolder = CliRun.of("loss", "--logits", folder.toString(), "--target", labels.toString());
        assertEquals(2, fromFolder.exitCode());
        assertEquals("dice4j: " + folder + ": is a folder, expected an .npy file\n", fromFolder.err());
    }

    @Test
    void anUnreadableInputOrAnUnwritableFolderSaysPermissionDenied() throws Exception {
        Path logits = CliFixtures.logits(folder.resolve("logits.npy"), 1, 3, 20);
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, 3, 20);
        Files.setPosixFilePermissions(labels, PosixFilePermissions.fromString("---------"));
        Path locked = Files.createDirectory(folder.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        CliRun read = runWithoutPrivileges("loss", "--logits", logits.toString(), "--target", labels.toString());
        assertEquals(2, read.exitCode(), read.err());
        assertTrue(read.err().endsWith("dice4j: " + labels + ": cannot read: permission denied\n"), read.err());
        Path gradient = locked.resolve("gradient.npy");
        CliRun write = runWithoutPrivileges("loss", "--logits", logits.toString(), "--target",
                folder.resolve("readable.npy").toString(), "--grad", gradient.toString());
        assertEquals(2, write.exitCode(), write.err());
        assertTrue(write.err().endsWith("dice4j: " + gradient + ": cannot write: permission denied\n"), write.err());
    }

    /**
     * As a user, file modes apply in-process; root ignores them, so there the command runs in a child JVM without the
     * capabilities that override them.
     */
    private CliRun runWithoutPrivileges(String... args) throws Exception {
        CliFixtures.labels(folder.resolve("readable.npy"), 1, 3, 20);
        if (!CliFixtures.root()) {
            return CliRun.of(args);
        }
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "root without setpriv cannot drop its privileges");
        return CliProcess.run(List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"), args);
    }

    @Test
    void atFileArgumentsAreNotExpanded() throws IOException {
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 1, 3, 20);
        Path arguments = Files.writeString(folder.resolve("arguments"), "--help\n");
        CliRun run = CliRun.of("loss", "--logits", "@" + arguments, "--target", labels.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("dice4j: @" + arguments + ": no such file\n", run.err());
        assertFalse(run.out().contains("Usage"), run.out());
    }
}
