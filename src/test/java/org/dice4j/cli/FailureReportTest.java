package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure of the command line is one line on stderr and an exit code: 2 for bad input or usage, 1 for an
 * internal failure, an {@link Error} included; never a stack trace (unless {@code --debug}).
 */
class FailureReportTest {

    @Test
    void anOutOfMemoryErrorIsOneLineAndExitCodeOne() {
        // 2^40 float32 logits: 4 TiB, which no allocator gives.
        CliRun run = CliRun.of("bench", "--shape", "1,1,1099511627776");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("dice4j: internal error: java.lang.OutOfMemoryError: Unable to allocate "),
                run.err());
        assertTrue(run.err().endsWith(" bytes (--debug prints the stack trace)\n"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void benchShapesThatCannotBeTensorsAreRefusedByName() {
        CliRun negative = CliRun.of("bench", "--shape", "2,-3,4");
        assertEquals(2, negative.exitCode());
        assertEquals("dice4j: --shape: expected sizes ≥ 1, got [2, -3, 4]\n", negative.err());
        CliRun overflowing = CliRun.of("bench", "--shape", "4294967296,4294967296,2");
        assertEquals(2, overflowing.exitCode());
        assertEquals("dice4j: --shape: [4294967296, 4294967296, 2] has more elements than memory can hold (their byte"
                + " count overflows a 64-bit integer)\n", overflowing.err());
    }

    @Test
    void aHeaderOnlyFileWithAHundredMillionClassesIsRefusedAtOnce(@TempDir Path folder) {
        // Shape (1, 10^8, 0): no data, but 10^8 (image, class) terms (it ran 18 s and 6 GB into an OutOfMemoryError).
        Path logits = CliRun.write(folder.resolve("empty.npy"), DType.FLOAT32, new long[] {1, 100_000_000, 0},
                MemorySegment.NULL);
        Path labels = CliRun.write(folder.resolve("labels.npy"), DType.UINT8, new long[] {1, 0}, MemorySegment.NULL);
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CliRun.of("loss", "--logits", logits.toString(), "--target", labels.toString()));
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("dice4j: " + logits + ": "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aMessageWithLineBreaksOrControlCharactersStaysOneLine() {
        assertEquals("a\\nb\\r\\x00c\\x1bd é", Main.oneLine("a\nb\r\u0000c\u001bd é"));
        CliRun run = CliRun.of("loss", "--logits", "line\nbreak.npy", "--target", "t.npy");
        assertEquals(2, run.exitCode());
        assertEquals("dice4j: line\\nbreak.npy: no such file\n", run.err());
    }
}
