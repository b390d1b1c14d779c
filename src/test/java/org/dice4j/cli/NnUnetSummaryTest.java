package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --summary} against the summaries that make_fixtures.py computed with numpy from nnU-Net's rules over
 * the committed NIfTI cases (eval/): regions, an ignore label present in both folders, an empty reference, an empty
 * prediction, label 0 scored but left out of the foreground mean, names in code-point order. Integers must be equal,
 * floats within 1e-12, keys and their order the same; the files are compared by the folder and name they end with.
 */
class NnUnetSummaryTest {
    private static final Path EVAL = NiftiFixturesTest.FIXTURES.resolve("eval");

    @TempDir
    Path folder;

    private String summary(String... labelling) throws IOException {
        Path summary = folder.resolve("summary.json");
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--pred-dir", EVAL.resolve("pred").toString(),
                "--target-dir", EVAL.resolve("ref").toString(), "--summary", summary.toString(), "--threads", "2"));
        args.addAll(List.of(labelling));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return Files.readString(summary);
    }

    @Test
    void regionsFromDatasetJsonGiveNnUnetsNumbers() throws IOException {
        assertSameSummary("expected_regions.json", summary("--dataset-json", EVAL.resolve("dataset_regions.json").toString()));
    }

    @Test
    void singleIdListsFlattenToLabels() throws IOException {
        assertSameSummary("expected_flat.json", summary("--dataset-json", EVAL.resolve("dataset_flat.json").toString()));
    }

    @Test
    void labelZeroIsScoredButNotInTheForegroundMean() throws IOException {
        assertSameSummary("expected_labels_0123.json", summary("--labels", "0,1,2,3"));
    }

    @Test
    void theTextIsWrittenAsPythonsJsonWritesIt() throws IOException {
        String actual = summary("--labels", "0,1,2,3");
        String expected = Files.readString(EVAL.resolve("expected_labels_0123.json"));
        // Everything but the file paths, which differ in their folder, byte for byte.
        assertEquals(expected.replaceAll("\"[^\"]*/(pred|ref)/", "\"$1/"),
                actual.replaceAll("\"[^\"]*/(pred|ref)/", "\"$1/"));
    }

    private static void assertSameSummary(String expectedFile, String actual) throws IOException {
        JsonElement expected = parse(Files.readString(EVAL.resolve(expectedFile)));
        assertSame("", expected, parse(actual));
        assertTrue(actual.contains("NaN"), "the fixtures have empty labels: NaN is written bare");
    }

    private static JsonElement parse(String text) {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.LENIENT);
        return JsonParser.parseReader(reader);
    }

    private static void assertSame(String where, JsonElement expected, JsonElement actual) {
        if (expected.isJsonObject()) {
            JsonObject e = expected.getAsJsonObject();
            JsonObject a = actual.getAsJsonObject();
            assertEquals(e.keySet().stream().toList(), a.keySet().stream().toList(), where);
            for (Map.Entry<String, JsonElement> entry : e.entrySet()) {
                assertSame(where + "/" + entry.getKey(), entry.getValue(), a.get(entry.getKey()));
            }
        } else if (expected.isJsonArray()) {
            assertEquals(expected.getAsJsonArray().size(), actual.getAsJsonArray().size(), where);
            for (int i = 0; i < expected.getAsJsonArray().size(); i++) {
                assertSame(where + "[" + i + "]", expected.getAsJsonArray().get(i), actual.getAsJsonArray().get(i));
            }
        } else {
            assertPrimitive(where, expected.getAsString(), actual.getAsString());
        }
    }

    private static void assertPrimitive(String where, String expected, String actual) {
        if (where.endsWith("_file")) {
            Path e = Path.of(expected);
            Path a = Path.of(actual);
            assertEquals(e.getFileName(), a.getFileName(), where);
            assertEquals(e.getParent().getFileName(), a.getParent().getFileName(), where);
        } else if (expected.matches("-?[0-9]+")) {
            assertEquals(expected, actual, where + ": an integer, exactly");
        } else if (expected.equals("NaN")) {
            assertEquals("NaN", actual, where);
        } else {
            assertTrue(actual.contains(".") || actual.contains("e") || actual.equals("NaN"), where + ": a float " + actual);
            assertEquals(Double.parseDouble(expected), Double.parseDouble(actual), 1e-12, where);
        }
    }
}
