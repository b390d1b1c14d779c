package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.LossResult;
import org.dice4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dice4j loss} end to end: .npy files written by the test, the entry point, its output and exit code. */
class LossCommandTest {
    @TempDir
    Path folder;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path write(String name, DType dtype, long[] shape, MemorySegment data) {
        return CliRun.write(folder.resolve(name), dtype, shape, data);
    }

    private static float[] logits() {
        float[] logits = new float[2 * 3 * 20];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.cos(i * 0.7) * 2;
        }
        return logits;
    }

    private static byte[] labels() {
        byte[] labels = new byte[2 * 20];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 7 == 0 ? 255 : i % 3);
        }
        return labels;
    }

    private Path logitsFile() {
        return write("logits.npy", DType.FLOAT32, new long[] {2, 3, 4, 5}, MemorySegment.ofArray(logits()));
    }

    private Path labelsFile() {
        return write("labels.npy", DType.UINT8, new long[] {2, 4, 5}, MemorySegment.ofArray(labels()));
    }

    @Test
    void theJsonLossAndGradientAreTheLibrarys() throws IOException {
        Path logits = logitsFile();
        Path labels = labelsFile();
        Path gradient = folder.resolve("grad.npy");
        CliRun run = run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--ignore-index", "255",
                "--variant", "jaccard", "--exclude-background", "--grad", gradient.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        DiceLoss loss = DiceLoss.builder().ignoreIndex(255).variant(org.dice4j.Variant.JACCARD)
                .includeBackground(false).build();
        float[] expectedGradient = new float[120];
        LossResult expected = loss.forwardBackward(Tensor.of(logits(), 2, 3, 4, 5), Tensor.ofUint8(labels(), 2, 4, 5),
                Tensor.of(expectedGradient, 2, 3, 4, 5));
        assertEquals(expected.loss(), json.get("loss").getAsDouble());
        assertEquals(expected.term(1, 1), json.getAsJsonArray("terms").get(1).getAsJsonArray().get(1).getAsDouble());
        assertEquals(expected.statistics().targetSum(0, 2),
                json.getAsJsonArray("target_sum").get(0).getAsJsonArray().get(2).getAsDouble());
        assertEquals("[2,3,4,5]", json.get("shape").toString());
        assertEquals("softmax", json.get("activation").getAsString());
        assertEquals(loss.kernelName(), json.get("kernel").getAsString());
        assertTrue(json.get("elapsed_ms").getAsDouble() >= 0);
        try (Arena arena = Arena.ofConfined()) {
            NpyFile written = NpyFile.read(gradient, arena);
            assertArrayEquals(new long[] {2, 3, 4, 5}, written.shape());
            assertArrayEquals(expectedGradient, written.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
        }
    }

    @Test
    void theThreadCountChangesNoBit() {
        Path logits = logitsFile();
        Path labels = labelsFile();
        String one = JsonParser.parseString(run("loss", "--logits", logits.toString(), "--target", labels.toString(),
                "--ignore-index", "255", "--threads", "1", "--json").out()).getAsJsonObject().get("terms").toString();
        String three = JsonParser.parseString(run("loss", "--logits", logits.toString(), "--target", labels.toString(),
                "--ignore-index", "255", "--threads", "3", "--json").out()).getAsJsonObject().get("terms").toString();
        assertEquals(one, three);
        CliRun zero = run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--threads", "0");
        assertEquals(2, zero.exitCode());
        assertEquals("dice4j: --threads: expected a value ≥ 1, got 0", zero.err().strip());
    }

    @Test
    void reductionNoneReportsTheTermsAndNaNAsNull() {
        CliRun run = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ignore-index", "255", "--reduction", "none", "--empty", "exclude", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        assertFalse(json.has("loss"), "under none there is no scalar loss: the values are the terms");
        assertEquals("none", json.get("reduction").getAsString());
        assertEquals(2, json.getAsJsonArray("terms").size());
        json.getAsJsonArray("terms").forEach(row -> row.getAsJsonArray().forEach(
                term -> assertTrue(term.isJsonNull() || term.getAsJsonPrimitive().isNumber(), term.toString())));
    }

    @Test
    void eachJsonKeyKeepsOneTypeUnderEveryReduction() {
        for (String reduction : new String[] {"mean", "sum", "none"}) {
            CliRun run = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                    "--ignore-index", "255", "--reduction", reduction, "--json");
            assertEquals(0, run.exitCode(), run.err());
            JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
            assertEquals(reduction, json.get("reduction").getAsString());
            assertEquals(!reduction.equals("none"), json.has("loss"), reduction);
            if (json.has("loss")) {
                assertTrue(json.get("loss").getAsJsonPrimitive().isNumber(), reduction);
            }
            for (String matrix : new String[] {"terms", "intersection", "pred_sum", "target_sum"}) {
                assertTrue(json.getAsJsonArray(matrix).get(0).isJsonArray(), reduction + " " + matrix);
            }
        }
    }

    @Test
    void generalizedDiceHasOneTermPerImage() {
        CliRun run = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ignore-index", "255", "--generalized", "simple", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        double expected = DiceLoss.builder().ignoreIndex(255).generalized(org.dice4j.GeneralizedWeight.SIMPLE).build()
                .forward(Tensor.of(logits(), 2, 3, 4, 5), Tensor.ofUint8(labels(), 2, 4, 5)).loss();
        assertEquals(expected, json.get("loss").getAsDouble());
        assertEquals(1, json.getAsJsonArray("terms").get(0).getAsJsonArray().size());
    }

    @Test
    void diceAndCrossEntropyWeightsGiveTheLibrarysLossGradientAndParts() {
        Path gradient = folder.resolve("grad.npy");
        CliRun run = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ignore-index", "255", "--ce-weight", "0.5", "--dice-weight", "2", "--grad", gradient.toString(),
                "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        float[] expectedGradient = new float[120];
        LossResult expected = DiceLoss.builder().ignoreIndex(255).lambdaDice(2).lambdaCrossEntropy(0.5).build()
                .forwardBackward(Tensor.of(logits(), 2, 3, 4, 5), Tensor.ofUint8(labels(), 2, 4, 5),
                        Tensor.of(expectedGradient, 2, 3, 4, 5));
        assertEquals(expected.loss(), json.get("loss").getAsDouble());
        assertEquals(expected.diceLoss(), json.get("dice_loss").getAsDouble());
        assertEquals(expected.crossEntropy(), json.get("cross_entropy").getAsDouble());
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(expectedGradient,
                    NpyFile.read(gradient, arena).data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
        }
        CliRun none = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ce-weight", "1", "--reduction", "none");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().strip().startsWith("dice4j: --reduction: none gives the Dice terms alone; --dice-weight"),
                none.err());
        CliRun negative = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ce-weight", "-1");
        assertEquals("dice4j: --ce-weight: expected a finite value ≥ 0, got -1.0", negative.err().strip());
    }

    @Test
    void channelsLastFilesGiveTheBitsOfTheirChannelsFirstTranspose() throws IOException {
        // logits() as (2, 3, 4, 5) channels-first, rewritten as (2, 4, 5, 3) channels-last.
        float[] first = logits();
        float[] last = new float[first.length];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 20; v++) {
                    last[(n * 20 + v) * 3 + c] = first[(n * 3 + c) * 20 + v];
                }
            }
        }
        Path logits = write("last.npy", DType.FLOAT32, new long[] {2, 4, 5, 3}, MemorySegment.ofArray(last));
        Path gradient = folder.resolve("grad.npy");
        CliRun run = run("loss", "--logits", logits.toString(), "--target", labelsFile().toString(), "--ignore-index",
                "255", "--channels-last", "--grad", gradient.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        float[] expectedGradient = new float[120];
        LossResult expected = DiceLoss.builder().ignoreIndex(255).build().forwardBackward(Tensor.of(first, 2, 3, 4, 5),
                Tensor.ofUint8(labels(), 2, 4, 5), Tensor.of(expectedGradient, 2, 3, 4, 5));
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(expected.loss(), json.get("loss").getAsDouble());
        assertEquals("[2,4,5,3]", json.get("shape").toString());
        try (Arena arena = Arena.ofConfined()) {
            NpyFile written = NpyFile.read(gradient, arena);
            assertArrayEquals(new long[] {2, 4, 5, 3}, written.shape());
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int v = 0; v < 20; v++) {
                        assertEquals(expectedGradient[(n * 3 + c) * 20 + v],
                                written.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (n * 20 + v) * 3 + c));
                    }
                }
            }
        }
    }

    @Test
    void float16LogitsGiveTheLossOfTheirFloat32Values() {
        float[] logits = logits();
        short[] half = new short[logits.length];
        float[] widened = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            half[i] = Float.floatToFloat16(logits[i]);
            widened[i] = Float.float16ToFloat(half[i]);
        }
        Path file = write("half.npy", DType.FLOAT16, new long[] {2, 3, 4, 5}, MemorySegment.ofArray(half));
        CliRun run = run("loss", "--logits", file.toString(), "--target", labelsFile().toString(), "--ignore-index",
                "255", "--json");
        assertEquals(0, run.exitCode(), run.err());
        double expected = DiceLoss.builder().ignoreIndex(255).build()
                .forward(Tensor.of(widened, 2, 3, 4, 5), Tensor.ofUint8(labels(), 2, 4, 5)).loss();
        assertEquals(expected, JsonParser.parseString(run.out()).getAsJsonObject().get("loss").getAsDouble());
    }

    @Test
    void theTableNamesTheLossAndEveryTerm() {
        CliRun run = run("loss", "--logits", logitsFile().toString(), "--target", labelsFile().toString(),
                "--ignore-index", "255");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("loss (mean): "), run.out());
        assertEquals(1 + 1 + 1 + 6, run.out().lines().count(), run.out());
    }

    @Test
    void gradIntoAnExistingFileReplacesItWholeOrLeavesItUntouched() throws IOException {
        Path logits = logitsFile();
        Path labels = labelsFile();
        Path gradient = folder.resolve("grad.npy");
        byte[] previous = "an older file that must survive a failed run".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(gradient, previous);
        // A failing run (label 255 without --ignore-index) leaves the existing file exactly as it was.
        assertEquals(2, run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--grad",
                gradient.toString()).exitCode());
        assertArrayEquals(previous, Files.readAllBytes(gradient));
        // A reader holding the old file keeps its bytes; a successful run swaps in the whole new file by a rename.
        try (var reader = Files.newInputStream(gradient)) {
            assertEquals(0, run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--ignore-index",
                    "255", "--grad", gradient.toString()).exitCode());
            assertArrayEquals(previous, reader.readAllBytes());
        }
        float[] expected = new float[120];
        DiceLoss.builder().ignoreIndex(255).build().forwardBackward(Tensor.of(logits(), 2, 3, 4, 5),
                Tensor.ofUint8(labels(), 2, 4, 5), Tensor.of(expected, 2, 3, 4, 5));
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(expected, NpyFile.read(gradient, arena).data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
        }
        try (var files = Files.list(folder)) {
            assertEquals(3, files.count(), "the inputs and the gradient: no temporary file left");
        }
    }

    @Test
    void badInputExitsWithTwoAndOneLineNamingTheFileAndNoOutputIsLeft() throws IOException {
        Path logits = logitsFile();
        Path labels = labelsFile();
        Path gradient = folder.resolve("grad.npy");
        // A label out of range (no ignore index): the target file is named, the gradient never appears.
        CliRun outOfRange = run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--grad",
                gradient.toString());
        assertEquals(2, outOfRange.exitCode());
        assertEquals("dice4j: " + labels + ": label 255 at image 0, voxel 0 (spatial index [0, 0]) is not in [0, 3)",
                outOfRange.err().strip());
        assertFalse(Files.exists(gradient));
        try (var files = Files.list(folder)) {
            assertEquals(2, files.count(), "only the two inputs: no temporary file left");
        }
        CliRun missing = run("loss", "--logits", folder.resolve("nope.npy").toString(), "--target", labels.toString());
        assertEquals(2, missing.exitCode());
        assertEquals("dice4j: " + folder.resolve("nope.npy") + ": no such file", missing.err().strip());
        byte[] truncated = Files.readAllBytes(logits);
        Path cut = Files.write(folder.resolve("cut.npy"), java.util.Arrays.copyOf(truncated, truncated.length - 4));
        CliRun truncatedRun = run("loss", "--logits", cut.toString(), "--target", labels.toString());
        assertEquals(2, truncatedRun.exitCode());
        assertEquals("dice4j: " + cut + ": the header's shape [2, 3, 4, 5] of float32 needs 480 data bytes, the file"
                + " has 476 (truncated?)", truncatedRun.err().strip());
        Path otherShape = write("other.npy", DType.UINT8, new long[] {2, 5, 4}, MemorySegment.ofArray(labels()));
        CliRun mismatch = run("loss", "--logits", logits.toString(), "--target", otherShape.toString());
        assertEquals(2, mismatch.exitCode());
        assertEquals("dice4j: " + otherShape + ": a UINT8 label map must have shape [2, 4, 5] or [2, 1, 4, 5], got"
                + " [2, 5, 4]", mismatch.err().strip());
        CliRun floatLabels = run("loss", "--logits", logits.toString(), "--target", logits.toString(), "--target-kind", "labels");
        assertEquals(2, floatLabels.exitCode());
        assertEquals("dice4j: " + logits + ": --target-kind labels needs an integer file (uint8, int32 or int64), got"
                + " float32", floatLabels.err().strip());
        CliRun unknown = run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--frobnicate");
        assertEquals(2, unknown.exitCode());
        assertEquals("dice4j: Unknown option: '--frobnicate' (see dice4j loss --help)", unknown.err().strip());
        CliRun badChoice = run("loss", "--logits", logits.toString(), "--target", labels.toString(), "--variant", "dise");
        assertEquals(2, badChoice.exitCode());
        assertEquals("dice4j: --variant: expected dice, jaccard, tversky, got 'dise'", badChoice.err().strip());
        for (CliRun run : new CliRun[] {outOfRange, missing, truncatedRun, mismatch, floatLabels, unknown, badChoice}) {
            assertEquals(1, run.err().lines().count(), run.err());
            assertEquals("", run.out());
        }
    }
}
