package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} over folders of NIfTI cases: per-case shapes, matching by name with every unmatched file reported,
 * outputs that do not depend on the thread count, spacing warnings (errors with --strict), the per-label CSV.
 */
class EvalNiftiTest {
    private static final long[] DIMS = {4, 3, 2};

    @TempDir
    Path folder;

    private Path predictions() throws IOException {
        return Files.createDirectories(folder.resolve("pred"));
    }

    private Path references() throws IOException {
        return Files.createDirectories(folder.resolve("ref"));
    }

    private static double[] labels(int seed) {
        double[] values = new double[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 7 + seed * 3) % 4;
        }
        return values;
    }

    private static void writeCase(Path predictions, Path references, String name, int seed) {
        NiftiWriter writer = NiftiWriter.of(NiftiDatatype.UINT8, DIMS);
        writer.write(predictions.resolve(name), name.endsWith(".gz"), labels(seed));
        writer.write(references.resolve(name), name.endsWith(".gz"), labels(seed + 1));
    }

    private CliRun eval(String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--pred-dir", predictions().toString(),
                "--target-dir", references().toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void perCaseLabelMapsAreScoredByTheLibraryWithTheClassCount() throws IOException {
        writeCase(predictions(), references(), "a.nii.gz", 0);
        CliRun run = eval("--num-classes", "4");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().endsWith("1 file(s) scored, 0 failed, 0 skipped\n"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void perCaseScoresOfAFourDimensionalVolumeAreArgmaxed() throws IOException {
        double[] scores = new double[24 * 4];
        double[] reference = labels(0);
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 24; i++) {
                scores[c * 24 + i] = reference[i] == c ? 1 : 0;
            }
        }
        NiftiWriter.of(NiftiDatatype.FLOAT32, 4, 3, 2, 4).write(predictions().resolve("a.nii"), false, scores);
        NiftiWriter.of(NiftiDatatype.INT16, DIMS).write(references().resolve("a.nii"), false, reference);
        Path csv = folder.resolve("out.csv");
        CliRun run = eval("--out", csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (String line : Files.readAllLines(csv).subList(1, 5)) {
            assertTrue(line.startsWith("a.nii,0,") && line.contains(",1.0,1.0,"), line);
        }
    }

    @Test
    void everyUnmatchedFileIsReportedAndTheExitCodeIsTwo() throws IOException {
        writeCase(predictions(), references(), "a.nii.gz", 0);
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(predictions().resolve("only_pred.nii.gz"), true, labels(1));
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(references().resolve("only_ref.nii"), false, labels(1));
        Files.writeString(references().resolve("notes.txt"), "x");
        Path summary = folder.resolve("summary.json");
        CliRun run = eval("--labels", "1,2,3", "--summary", summary.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of("dice4j: skipped " + references().resolve("notes.txt") + ": not an input (.npy, .nii, .nii.gz)",
                "dice4j: " + predictions().resolve("only_pred.nii.gz") + ": no target for this prediction",
                "dice4j: " + references().resolve("only_ref.nii") + ": no prediction for this target"),
                run.err().lines().toList());
        String written = Files.readString(summary);
        assertTrue(written.contains("a.nii.gz") && !written.contains("only_"), written);
        assertTrue(run.out().endsWith("1 file(s) scored, 2 failed, 1 skipped\n"), "the closing line: " + run.out());
    }

    @Test
    void theOutputsDoNotDependOnTheThreadCount() throws IOException {
        for (int i = 0; i < 9; i++) {
            writeCase(predictions(), references(), "case_" + i + (i % 2 == 0 ? ".nii.gz" : ".nii"), i);
        }
        Files.writeString(predictions().resolve("case_5.nii"), "damaged");
        String[] outputs = new String[3];
        for (int threads = 1; threads <= 3; threads++) {
            Path csv = folder.resolve("out" + threads + ".csv");
            Path summary = folder.resolve("summary" + threads + ".json");
            CliRun run = eval("--labels", "1,2,3", "--threads", Integer.toString(threads), "--out", csv.toString(),
                    "--summary", summary.toString());
            assertEquals(2, run.exitCode(), run.err());
            outputs[threads - 1] = run.out() + run.err() + Files.readString(csv) + Files.readString(summary);
        }
        assertEquals(outputs[0], outputs[1]);
        assertEquals(outputs[0], outputs[2]);
    }

    @Test
    void aDifferentSpacingIsAWarningOrWithStrictAnError() throws IOException {
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(predictions().resolve("a.nii"), false, labels(0));
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).spacing(1, 1, 1.5).write(references().resolve("a.nii"), false, labels(0));
        CliRun warned = eval("--labels", "1,2");
        assertEquals(0, warned.exitCode(), warned.err());
        assertTrue(warned.err().startsWith("dice4j: warning: " + predictions().resolve("a.nii") + ": spacing"),
                warned.err());
        CliRun strict = eval("--labels", "1,2", "--strict");
        assertEquals(2, strict.exitCode(), strict.err());
        assertTrue(strict.err().contains("(--strict)"), strict.err());
        assertTrue(strict.out().contains("0 file(s) scored, 1 failed"), strict.out());
    }

    @Test
    void aLeadingAxisOfSizeOneIsAcceptedOnEitherSide() throws IOException {
        NiftiWriter.of(NiftiDatatype.UINT8, 4, 3, 2, 1).write(predictions().resolve("a.nii"), false, labels(0));
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(references().resolve("a.nii"), false, labels(0));
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(predictions().resolve("b.nii"), false, labels(0));
        NiftiWriter.of(NiftiDatatype.UINT8, 4, 3, 2, 1).write(references().resolve("b.nii"), false, labels(0));
        Path csv = folder.resolve("out.csv");
        CliRun run = eval("--labels", "1,2,3", "--out", csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(7, lines.size(), lines.toString());
        assertTrue(lines.stream().skip(1).allMatch(line -> line.contains(",1.0,1.0,")), lines.toString());
    }

    @Test
    void differentDimsAreAnErrorNamingBothFiles() throws IOException {
        NiftiWriter.of(NiftiDatatype.UINT8, DIMS).write(predictions().resolve("a.nii"), false, labels(0));
        NiftiWriter.of(NiftiDatatype.UINT8, 4, 3, 1).write(references().resolve("a.nii"), false, new double[12]);
        CliRun run = eval("--labels", "1");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of("dice4j: " + predictions().resolve("a.nii") + ": dims [4, 3, 2] does not fit the reference "
                + references().resolve("a.nii") + " (dims [4, 3, 1]): expected a label map of the same spatial dims"
                + " (alone or after a size-1 axis) or scores (C, spatial…)"), run.err().lines().toList());
    }

    @Test
    void theLabelCsvHasOneRecordPerCaseAndLabelWithNames() throws IOException {
        writeCase(predictions(), references(), "a.nii.gz", 0);
        Path dataset = folder.resolve("dataset.json");
        Files.writeString(dataset, "{\"labels\": {\"background\": 0, \"liver\": 1, \"tumour\": [2, 3]},"
                + " \"file_ending\": \".nii.gz\"}");
        Path csv = folder.resolve("out.csv");
        CliRun run = eval("--dataset-json", dataset.toString(), "--out", csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(EvalCsv.LABEL_HEADER, lines.get(0));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("a.nii.gz,1,liver,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("a.nii.gz,\"(2, 3)\",tumour,"), lines.get(2));
        assertTrue(run.out().contains("(2, 3)") && run.out().contains("tumour"), run.out());
        assertFalse(run.out().contains("NaN"), run.out());
    }

    @Test
    void summaryWithoutLabelsIsRefusedNamingTheFlags() throws IOException {
        writeCase(predictions(), references(), "a.nii.gz", 0);
        CliRun run = eval("--summary", folder.resolve("s.json").toString());
        assertEquals(2, run.exitCode());
        assertEquals("dice4j: --summary: needs the labels to score: --labels 1,2,3 or --dataset-json dataset.json\n",
                run.err());
    }
}
