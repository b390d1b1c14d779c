package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.dice4j.DType;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dice4j metric} end to end, on .npy files written by the test ({@code eval}: {@link EvalCommandTest}). */
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
                assertTrue(json.getAsJsonArray("dice_per_class").get(c).isJsonNull());
            } else {
                assertEquals(want, json.getAsJsonArray("dice_per_class").get(c).getAsDouble());
            }
        }
        assertEquals(expected.notNan(), json.get("not_nan").getAsInt());
        assertEquals(2, json.getAsJsonArray("per_image_class_iou").size());
    }

    @Test
    void batchIsMeanBatchUnderItsSharedName() {
        Path prediction = write(folder.resolve("p.npy"), DType.FLOAT32, new long[] {2, 3, 10},
                MemorySegment.ofArray(scores(1)));
        Path target = write(folder.resolve("t.npy"), DType.UINT8, new long[] {2, 10}, MemorySegment.ofArray(labels(1)));
        CliRun batch = run("metric", "--pred", prediction.toString(), "--target", target.toString(), "--ignore-index",
                "255", "--batch", "--json");
        CliRun alias = run("metric", "--pred", prediction.toString(), "--target", target.toString(), "--ignore-index",
                "255", "--reduction", "mean-batch", "--json");
        assertEquals(0, batch.exitCode(), batch.err());
        assertEquals(alias.out(), batch.out());
        assertTrue(batch.out().contains("\"dice_per_class\": ["), batch.out());
    }

    @Test
    void eachJsonKeyKeepsOneTypeUnderEveryReduction() {
        Path prediction = write(folder.resolve("p.npy"), DType.FLOAT32, new long[] {2, 3, 10}, MemorySegment.ofArray(scores(0)));
        Path target = write(folder.resolve("t.npy"), DType.UINT8, new long[] {2, 10}, MemorySegment.ofArray(labels(0)));
        for (String reduction : new String[] {"mean", "mean-batch", "none"}) {
            CliRun run = run("metric", "--pred", prediction.toString(), "--target", target.toString(), "--ignore-index",
                    "255", "--reduction", reduction, "--json");
            assertEquals(0, run.exitCode(), run.err());
            JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
            assertEquals(reduction, json.get("reduction").getAsString());
            assertEquals(reduction.equals("mean"), json.has("dice") && json.has("iou"), reduction);
            if (json.has("dice")) {
                assertTrue(json.get("dice").isJsonPrimitive() || json.get("dice").isJsonNull(), reduction);
            }
            assertEquals(reduction.equals("mean-batch"), json.has("dice_per_class") && json.has("iou_per_class"));
            assertTrue(json.get("per_image_class_dice").getAsJsonArray().get(0).isJsonArray(), reduction);
            assertTrue(json.get("not_nan").isJsonPrimitive(), reduction);
        }
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
}
