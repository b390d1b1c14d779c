package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dice4j.DType;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dice4j metric} and {@code dice4j eval} end to end, on .npy files written by the test. */
class MetricCommandTest {
    @TempDir
    Path folder;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path write(Path file, DType dtype, long[] shape, MemorySegment data) {
        return CliRun.write(file, dtype, shape, data);
    }

    private static float[] scores(int seed) {
        float[] scores = new float[2 * 3 * 10];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.sin(i * 1.3 + seed);
        }
        return scores;
    }

    private static byte[] labels(int seed) {
        byte[] labels = new byte[2 * 10];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) ((i + seed) % 4 == 3 ? 255 : (i * 7 + seed) % 3);
        }
        return labels;
    }

    @Test
    void theJsonIsTheLibrarysMetric() {
        Path prediction = write(folder.resolve("p.npy"), DType.FLOAT32, new long[] {2, 3, 10}, MemorySegment.ofArray(scores(0)));
        Path target = write(folder.resolve("t.npy"), DType.UINT8, new long[] {2, 10}, MemorySegment.ofArray(labels(0)));
        CliRun run = run("metric", "--pred", prediction.toString(), "--target", target.toString(), "--ignore-index", "255",
                "--reduction", "mean-batch", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        MetricResult expected = DiceMetric.builder().ignoreIndex(255).reduction(MetricReduction.MEAN_BATCH).build()
                .compute(Tensor.of(scores(0), 2, 3, 10), Tensor.ofUint8(labels(0), 2, 10));
        for (int c = 0; c < 3; c++) {
            double want = expected.reducedDice()[c];
            if (Double.isNaN(want)) {
                assertTrue(json.getAsJsonArray("dice").get(c).isJsonNull());
            } else {
                assertEquals(want, json.getAsJsonArray("dice").get(c).getAsDouble());
            }
        }
        assertEquals(expected.notNan(), json.get("not_nan").getAsInt());
        assertEquals(2, json.getAsJsonArray("per_image_class_iou").size());
    }

    @Test
    void aLabelOutOfRangeNamesThePredictionFile() {
        Path prediction = write(folder.resolve("p.npy"), DType.INT32, new long[] {1, 4}, MemorySegment.ofArray(new int[] {0, 1, 5, 1}));
        Path target = write(folder.resolve("t.npy"), DType.INT32, new long[] {1, 4}, MemorySegment.ofArray(new int[] {0, 1, 1, 1}));
        CliRun run = run("metric", "--pred", prediction.toString(), "--target", target.toString(), "--num-classes", "3");
        assertEquals(2, run.exitCode());
        assertEquals("dice4j: " + prediction + ": label 5 at image 0, voxel 2 (spatial index [2]) is not in [0, 3)",
                run.err().strip());
    }

    @Test
    void evalScoresEveryPairWritesTheCsvAndReportsTheRest() throws IOException {
        Path predictions = Files.createDirectory(folder.resolve("pred"));
        Path targets = Files.createDirectory(folder.resolve("target"));
        for (int k = 0; k < 2; k++) {
            write(predictions.resolve("case" + k + ".npy"), DType.FLOAT32, new long[] {2, 3, 10}, MemorySegment.ofArray(scores(k)));
            write(targets.resolve("case" + k + ".npy"), DType.UINT8, new long[] {2, 10}, MemorySegment.ofArray(labels(k)));
        }
        write(predictions.resolve("orphan.npy"), DType.FLOAT32, new long[] {2, 3, 10}, MemorySegment.ofArray(scores(5)));
        Files.write(predictions.resolve("broken.npy"), new byte[] {1, 2, 3});
        Files.copy(targets.resolve("case0.npy"), targets.resolve("broken.npy"));
        Path csv = folder.resolve("results.csv");
        CliRun run = run("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--ignore-index", "255", "--out", csv.toString());
        assertEquals(2, run.exitCode(), "two pairs could not be scored");
        List<String> errors = run.err().lines().toList();
        assertEquals(2, errors.size(), run.err());
        assertEquals("dice4j: " + predictions.resolve("broken.npy") + ": not a NumPy .npy file (no \\x93NUMPY magic)",
                errors.get(0));
        assertEquals("dice4j: " + targets.resolve("orphan.npy") + ": no target file for prediction "
                + predictions.resolve("orphan.npy"), errors.get(1));
        List<String> rows = Files.readAllLines(csv);
        assertEquals("file,image,class,dice,iou,intersection,predicted,target", rows.get(0));
        assertEquals(1 + 2 * 2 * 3, rows.size(), "two files × two images × three classes");
        MetricResult case1 = DiceMetric.builder().ignoreIndex(255).reduction(MetricReduction.NONE).build()
                .compute(Tensor.of(scores(1), 2, 3, 10), Tensor.ofUint8(labels(1), 2, 10));
        assertEquals("case1.npy,1,2," + csvValue(case1.dice()[1][2]) + "," + csvValue(case1.iou()[1][2]) + ","
                + case1.intersection()[1][2] + "," + case1.predicted()[1][2] + "," + case1.target()[1][2], rows.get(12));
        assertTrue(run.out().contains("2 file(s) scored, 2 failed"), run.out());
        try (var files = Files.list(folder)) {
            assertEquals(3, files.count(), "pred, target and the CSV: no temporary file left");
        }
    }

    private static String csvValue(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }
}
