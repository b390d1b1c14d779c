package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} killed mid-run (SIGKILL: no shutdown hook runs) leaves no partial CSV: the results file is either
 * absent or complete, never cut short. A full run is timed first; kills then land from half-way through it on
 * (well after the JVM has started and while pairs are scored), and at least one of them must hit a running process,
 * so that the property is not checked on finished runs only.
 */
class EvalKilledTest {
    private static final int PAIRS = 1500;
    private static final int CLASSES = 3;

    @TempDir
    Path folder;

    @Test
    void aKilledEvalLeavesTheCsvAbsentOrComplete() throws IOException, InterruptedException {
        Path predictions = Files.createDirectory(folder.resolve("pred"));
        Path targets = Files.createDirectory(folder.resolve("target"));
        float[] scores = new float[CLASSES * 64];
        byte[] labels = new byte[64];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.sin(i);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % CLASSES);
        }
        for (int k = 0; k < PAIRS; k++) {
            CliRun.write(predictions.resolve("case" + k + ".npy"), DType.FLOAT32, new long[] {1, CLASSES, 64},
                    MemorySegment.ofArray(scores));
            CliRun.write(targets.resolve("case" + k + ".npy"), DType.UINT8, new long[] {1, 64},
                    MemorySegment.ofArray(labels));
        }
        // A full run first: how long it takes, and that its CSV is complete.
        Path full = folder.resolve("results-full.csv");
        long started = System.nanoTime();
        Process complete = start(predictions, targets, full);
        assertTrue(complete.waitFor(120, TimeUnit.SECONDS), "eval did not finish");
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(1 + PAIRS * CLASSES, Files.readAllLines(full).size());
        // Kills from half-way on: well past the JVM's start, while pairs are being scored.
        int killedWhileRunning = 0;
        for (double fraction : new double[] {0.5, 0.7, 0.85, 0.95}) {
            long delayMs = (long) (durationMs * fraction);
            Path csv = folder.resolve("results-" + delayMs + ".csv");
            Process child = start(predictions, targets, csv);
            boolean finished = child.waitFor(delayMs, TimeUnit.MILLISECONDS);
            if (!finished) {
                killedWhileRunning++;
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "killed child did not end");
            }
            if (Files.exists(csv)) {
                List<String> rows = Files.readAllLines(csv);
                assertEquals(1 + PAIRS * CLASSES, rows.size(), "a CSV that exists is complete (delay " + delayMs + ")");
            } else {
                assertTrue(!finished || child.exitValue() != 0, "a run that finished wrote its CSV");
            }
        }
        assertTrue(killedWhileRunning > 0, "no kill landed while eval was running: make the run longer");
    }

    private static Process start(Path predictions, Path targets, Path csv) throws IOException {
        return CliProcess.start("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(), "--out",
                csv.toString());
    }
}
