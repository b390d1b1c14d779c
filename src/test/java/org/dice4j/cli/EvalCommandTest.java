package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.dice4j.DType;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dice4j eval} end to end, on .npy files written by the test: files paired by name on both sides, the CSV
 * read back by a real RFC 4180 reader, the summary over files of different class counts.
 */
class EvalCommandTest {
    private static final int IMAGES = 2;
    private static final int VOXELS = 10;
    private static final List<String> HEADER =
            List.of("file", "image", "class", "dice", "iou", "intersection", "predicted", "target");

    @TempDir
    Path folder;

    private static float[] scores(int seed, int classes) {
        float[] scores = new float[IMAGES * classes * VOXELS];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.sin(i * 1.3 + seed);
        }
        return scores;
    }

    /** Labels in [0, classes), every fourth voxel (shifted by the seed) 255, the ignored label. */
    private static byte[] labels(int seed, int classes) {
        byte[] labels = new byte[IMAGES * VOXELS];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) ((i + seed) % 4 == 3 ? 255 : (i * 7 + seed) % classes);
        }
        return labels;
    }

    private static void writePrediction(Path file, int seed, int classes) {
        CliRun.write(file, DType.FLOAT32, new long[] {IMAGES, classes, VOXELS}, MemorySegment.ofArray(scores(seed, classes)));
    }

    private static void writeTarget(Path file, int seed, int classes) {
        CliRun.write(file, DType.UINT8, new long[] {IMAGES, VOXELS}, MemorySegment.ofArray(labels(seed, classes)));
    }

    private static void writePair(Path predictions, Path targets, String name, int seed, int classes) {
        writePrediction(predictions.resolve(name), seed, classes);
        writeTarget(targets.resolve(name), seed, classes);
    }

    /** What the library gives for the pair of {@code seed}, per (image, class), with label 255 ignored. */
    private static MetricResult expected(int seed, int classes) {
        return DiceMetric.builder().ignoreIndex(255).reduction(MetricReduction.NONE).build()
                .compute(Tensor.of(scores(seed, classes), IMAGES, classes, VOXELS),
                        Tensor.ofUint8(labels(seed, classes), IMAGES, VOXELS));
    }

    private Path predictions() throws IOException {
        return Files.createDirectories(folder.resolve("pred"));
    }

    private Path targets() throws IOException {
        return Files.createDirectories(folder.resolve("target"));
    }

    private static CliRun eval(Path predictions, Path targets, Path csv) {
        return CliRun.of("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--ignore-index", "255", "--out", csv.toString());
    }

    private static List<CSVRecord> readCsv(Path csv) throws IOException {
        try (CSVParser parser = CSVParser.parse(Files.readString(csv), CSVFormat.RFC4180)) {
            return parser.getRecords();
        }
    }

    @Test
    void scoresEveryPairWritesTheCsvAndReportsTheRest() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        for (int k = 0; k < 2; k++) {
            writePair(predictions, targets, "case" + k + ".npy", k, 3);
        }
        writePrediction(predictions.resolve("orphan.npy"), 5, 3);
        Files.write(predictions.resolve("broken.npy"), new byte[] {1, 2, 3});
        Files.copy(targets.resolve("case0.npy"), targets.resolve("broken.npy"));
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(2, run.exitCode(), "two pairs could not be scored");
        List<String> errors = run.err().lines().toList();
        assertEquals(2, errors.size(), run.err());
        assertEquals("dice4j: " + predictions.resolve("broken.npy") + ": not a NumPy .npy file (no \\x93NUMPY magic)",
                errors.get(0));
        assertEquals("dice4j: " + predictions.resolve("orphan.npy") + ": no target for this prediction", errors.get(1));
        List<String> rows = Files.readAllLines(csv);
        assertEquals(String.join(",", HEADER), rows.get(0));
        assertEquals(1 + 2 * 2 * 3, rows.size(), "two files × two images × three classes");
        MetricResult case1 = expected(1, 3);
        assertEquals("case1.npy,1,2," + csvValue(case1.dice()[1][2]) + "," + csvValue(case1.iou()[1][2]) + ","
                + case1.intersection()[1][2] + "," + case1.predicted()[1][2] + "," + case1.target()[1][2], rows.get(12));
        assertTrue(run.out().contains("2 file(s) scored, 2 failed"), run.out());
        try (var files = Files.list(folder)) {
            assertEquals(3, files.count(), "pred, target and the CSV: no temporary file left");
        }
    }

    @Test
    void aTargetWithNoPredictionIsReportedByNameAndMakesTheExitCodeTwo() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "case0.npy", 0, 3);
        writeTarget(targets.resolve("case1.npy"), 1, 3);
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of("dice4j: " + targets.resolve("case1.npy") + ": no prediction for this target"),
                run.err().lines().toList());
        assertEquals(1 + IMAGES * 3, readCsv(csv).size(), "the scored pair is in the CSV");
        assertTrue(run.out().contains("1 file(s) scored, 1 failed"), run.out());
    }

    @Test
    void everyUnmatchedFileOnEitherSideHasItsOwnLineAndTheScoredPairsStayInTheCsvAndSummary() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "b.npy", 1, 3);
        writePair(predictions, targets, "d.npy", 3, 3);
        writePrediction(predictions.resolve("a.npy"), 0, 3);
        writeTarget(targets.resolve("c.npy"), 2, 3);
        writePrediction(predictions.resolve("e.npy"), 4, 3);
        writeTarget(targets.resolve("f.npy"), 5, 3);
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of(
                "dice4j: " + predictions.resolve("a.npy") + ": no target for this prediction",
                "dice4j: " + targets.resolve("c.npy") + ": no prediction for this target",
                "dice4j: " + predictions.resolve("e.npy") + ": no target for this prediction",
                "dice4j: " + targets.resolve("f.npy") + ": no prediction for this target"), run.err().lines().toList());
        List<CSVRecord> records = readCsv(csv);
        assertEquals(1 + 2 * IMAGES * 3, records.size(), "both scored pairs are in the CSV");
        assertEquals(List.of("b.npy", "d.npy"), records.stream().skip(1).map(r -> r.get(0)).distinct().toList());
        assertTrue(run.out().contains("2 file(s) scored, 4 failed"), run.out());
        assertEquals(IMAGES * 2, Integer.parseInt(summary(run.out()).get("mean")[2]), "the mean is over both pairs");
    }

    @Test
    void aFailureNamingAFileWithANewlineStaysOnOneLine() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "case0.npy", 0, 3);
        writePrediction(predictions.resolve("two\nlines.npy"), 1, 3);
        CliRun run = eval(predictions, targets, folder.resolve("results.csv"));
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of("dice4j: " + predictions.resolve("two\\nlines.npy") + ": no target for this prediction"),
                run.err().lines().toList());
    }

    /** Names that break naive CSV (separators, quotes, line breaks) or that a spreadsheet runs as a formula. */
    private static final List<String> AWKWARD_NAMES = List.of("plain.npy", "com,ma.npy", "quo\"te\".npy",
            "new\nline.npy", "carriage\rreturn.npy", "crlf\r\n.npy", "=HYPERLINK(\"x\").npy", "+1.npy", "-1.npy",
            "@SUM(A1).npy", "\ttab.npy", "\rcr.npy", "=a,\"b\"\n.npy", "'quoted.npy");

    /** The CSV of a successful eval over one pair per awkward name. */
    private Path csvOfAwkwardNames() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        for (int k = 0; k < AWKWARD_NAMES.size(); k++) {
            writePair(predictions, targets, AWKWARD_NAMES.get(k), k, 3);
        }
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(0, run.exitCode(), run.err());
        return csv;
    }

    private static boolean formulaPrefixed(String name) {
        return "=+-@\t\r".indexOf(name.charAt(0)) >= 0;
    }

    @Test
    void anRfc4180ReaderReadsBackEveryNameEveryNumberAndOneRecordPerImageAndClass() throws IOException {
        List<CSVRecord> records = readCsv(csvOfAwkwardNames());
        assertEquals(HEADER, records.get(0).toList());
        assertEquals(1 + AWKWARD_NAMES.size() * IMAGES * 3, records.size(), "one record per (file, image, class)");
        Map<String, List<CSVRecord>> byFile = new HashMap<>();
        for (CSVRecord record : records.subList(1, records.size())) {
            assertEquals(HEADER.size(), record.size(), record.toString());
            byFile.computeIfAbsent(record.get(0), file -> new ArrayList<>()).add(record);
        }
        for (int k = 0; k < AWKWARD_NAMES.size(); k++) {
            String name = AWKWARD_NAMES.get(k);
            String cell = formulaPrefixed(name) ? "'" + name : name;
            assertTrue(byFile.containsKey(cell), "no records for " + cell.replace("\n", "\\n").replace("\r", "\\r")
                    + " among " + byFile.keySet());
            assertRecordsAreTheLibrarys(expected(k, 3), byFile.get(cell));
        }
    }

    private static void assertRecordsAreTheLibrarys(MetricResult expected, List<CSVRecord> records) {
        assertEquals(IMAGES * 3, records.size());
        for (CSVRecord record : records) {
            int n = Integer.parseInt(record.get(1));
            int c = Integer.parseInt(record.get(2));
            assertEquals(expected.dice()[n][c], Double.parseDouble(record.get(3)), record.toString());
            assertEquals(expected.iou()[n][c], Double.parseDouble(record.get(4)), record.toString());
            assertEquals(expected.intersection()[n][c], Long.parseLong(record.get(5)), record.toString());
            assertEquals(expected.predicted()[n][c], Long.parseLong(record.get(6)), record.toString());
            assertEquals(expected.target()[n][c], Long.parseLong(record.get(7)), record.toString());
        }
    }

    @Test
    void everyRecordEndsWithCrLf() throws IOException {
        Path csv = csvOfAwkwardNames();
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        List<CSVRecord> records = readCsv(csv);
        for (CSVRecord record : records.subList(1, records.size())) {
            int start = (int) record.getCharacterPosition();
            assertEquals("\r\n", text.substring(start - 2, start), "the record before " + record);
        }
        assertTrue(text.endsWith("\r\n"), "the last record");
    }

    @Test
    void theSummaryCoversEveryClassOfEveryFileAndAnAbsentClassIsNoValue() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "a.npy", 0, 2);
        writePair(predictions, targets, "b.npy", 2, 4);
        writePair(predictions, targets, "c.npy", 4, 3);
        CliRun run = eval(predictions, targets, folder.resolve("results.csv"));
        assertEquals(0, run.exitCode(), run.err());
        List<MetricResult> results = List.of(expected(0, 2), expected(2, 4), expected(4, 3));
        Map<String, String[]> summary = summary(run.out());
        assertEquals(List.of("0", "1", "2", "3", "mean"), List.copyOf(summary.keySet()));
        for (int c = 0; c < 4; c++) {
            List<Double> dice = new ArrayList<>();
            List<Double> iou = new ArrayList<>();
            for (MetricResult result : results) {
                for (int n = 0; n < IMAGES; n++) {
                    if (c < result.dice()[n].length) {
                        dice.add(result.dice()[n][c]);
                        iou.add(result.iou()[n][c]);
                    }
                }
            }
            assertFalse(Double.isNaN(nanMean(dice)), "the data gives class " + c + " a value");
            assertSummaryRow(summary.get(Integer.toString(c)), nanMean(dice), nanMean(iou), count(dice));
        }
        List<Double> perImageDice = new ArrayList<>();
        List<Double> perImageIou = new ArrayList<>();
        for (MetricResult result : results) {
            for (int n = 0; n < IMAGES; n++) {
                perImageDice.add(nanMean(boxed(result.dice()[n])));
                perImageIou.add(nanMean(boxed(result.iou()[n])));
            }
        }
        assertSummaryRow(summary.get("mean"), nanMean(perImageDice), nanMean(perImageIou), count(perImageDice));
    }

    @Test
    void anEmptyPredictionFolderIsAnErrorNamingTheFolder() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writeTarget(targets.resolve("case0.npy"), 0, 3);
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(2, run.exitCode(), run.out());
        assertEquals(List.of("dice4j: --pred-dir: no predictions (.npy, .nii, .nii.gz) in " + predictions), run.err().lines().toList());
        assertFalse(Files.exists(csv), "no CSV for a run that scored nothing");
    }

    @Test
    void theJsonSummaryHoldsTheClassesTheMeanTheFailuresAndTheSkippedFiles() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "case0.npy", 0, 3);
        writePrediction(predictions.resolve("orphan.npy"), 1, 3);
        Files.writeString(targets.resolve("README \"x\".txt"), "notes");
        CliRun run = CliRun.of("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--ignore-index", "255", "--json");
        assertEquals(2, run.exitCode(), run.err());
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(1, json.get("scored").getAsInt());
        assertEquals(3, json.getAsJsonArray("classes").size());
        MetricResult expected = expected(0, 3);
        com.google.gson.JsonObject first = json.getAsJsonArray("classes").get(0).getAsJsonObject();
        assertEquals(0, first.get("class").getAsInt());
        double dice0 = (expected.dice()[0][0] + expected.dice()[1][0]) / 2;
        if (!Double.isNaN(expected.dice()[0][0]) && !Double.isNaN(expected.dice()[1][0])) {
            assertEquals(dice0, first.get("dice").getAsDouble(), 1e-15);
        }
        assertTrue(json.getAsJsonObject("mean").has("images"));
        assertEquals(predictions.resolve("orphan.npy").toString(),
                json.getAsJsonArray("failed").get(0).getAsJsonObject().get("file").getAsString());
        assertEquals(List.of(targets.resolve("README \"x\".txt").toString()),
                json.getAsJsonArray("skipped").asList().stream().map(e -> e.getAsString()).toList());
    }

    @Test
    void aPredictionFolderWithoutNpyFilesIsAnErrorNamingTheFolder() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        Files.writeString(predictions.resolve("notes.txt"), "not a prediction");
        Files.createDirectory(predictions.resolve("subfolder"));
        writeTarget(targets.resolve("case0.npy"), 0, 3);
        Path csv = folder.resolve("results.csv");
        CliRun run = eval(predictions, targets, csv);
        assertEquals(2, run.exitCode(), run.out());
        assertEquals(List.of("dice4j: skipped " + predictions.resolve("notes.txt") + ": not an input (.npy, .nii, .nii.gz)",
                "dice4j: skipped " + predictions.resolve("subfolder") + ": not an input (.npy, .nii, .nii.gz)",
                "dice4j: --pred-dir: no predictions (.npy, .nii, .nii.gz) in " + predictions), run.err().lines().toList());
        assertFalse(Files.exists(csv), "no CSV for a run that scored nothing");
    }

    /** The summary table by its first column (a class or "mean"), in the printed order: dice, iou, images. */
    private static Map<String, String[]> summary(String out) {
        List<String> lines = out.lines().toList();
        int header = lines.indexOf(lines.stream().filter(line -> line.startsWith("class ")).findFirst().orElseThrow());
        Map<String, String[]> rows = new java.util.LinkedHashMap<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.startsWith("failed:") || line.startsWith("skipped:") || line.contains(" file(s) scored, ")) {
                break;
            }
            String[] cells = line.trim().split(" +");
            assertEquals(4, cells.length, line);
            rows.put(cells[0], new String[] {cells[1], cells[2], cells[3]});
        }
        return rows;
    }

    private static void assertSummaryRow(String[] row, double dice, double iou, long images) {
        assertEquals(String.format(Locale.ROOT, "%.6f", dice), row[0], "dice");
        assertEquals(String.format(Locale.ROOT, "%.6f", iou), row[1], "iou");
        assertEquals(Long.toString(images), row[2], "images");
    }

    private static double nanMean(List<Double> values) {
        return values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static long count(List<Double> values) {
        return values.stream().filter(v -> !v.isNaN()).count();
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static String csvValue(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }

    @Test
    void evalHasNoReductionOptionToIgnore() throws IOException {
        Path predictions = predictions();
        Path targets = targets();
        writePair(predictions, targets, "case0.npy", 0, 3);
        CliRun run = CliRun.of("eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString(),
                "--reduction", "mean-batch");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("dice4j: Unknown options: '--reduction'"), run.err());
    }

    @Test
    void theProgressLineSaysFilesDoneTheRateAndTheTimeLeft() {
        assertEquals("\r[=======                       ] 10/40 2.0 files/s, ETA 15 s case10.npy",
                EvalCommand.progressBar(10, 40, "case10.npy", 5.0));
        assertEquals("\r[                              ] 0/40 0.0 files/s, ETA - case0.npy",
                EvalCommand.progressBar(0, 40, "case0.npy", 0.0));
    }
}
