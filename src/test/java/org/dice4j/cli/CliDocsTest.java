package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md is the command line's contract: every option of every command is in its command's table with its
 * default, nothing else is, and every JSON object a command prints (each reduction) has only the keys of its schema,
 * of the schema's types, with every key the schema says is always there; the examples follow the schema too.
 */
class CliDocsTest {
    private static final Pattern SECTION = Pattern.compile("(?m)^## `dice4j (\\w+)`$");
    /** A table row whose first cell is a flag: the first cell and the last (the default). */
    private static final Pattern OPTION_ROW = Pattern.compile("(?m)^\\| (`-[^|]*)\\|[^|]*\\|([^|\\n]*)\\|$");
    private static final Pattern FLAG = Pattern.compile("`(-[-\\w]+)");
    private static final Pattern KEY_ROW = Pattern.compile("(?m)^\\| `(\\w+)` \\| (\\w+) \\| (\\w+)");
    private static final Pattern EXAMPLE = Pattern.compile("(?s)```json\\n(.*?)\\n```");

    private static String docs;

    @TempDir
    static Path folder;

    @BeforeAll
    static void read() throws IOException {
        docs = Files.readString(Path.of("docs/cli.md"));
    }

    /** The text of {@code ## `dice4j command`} up to the next section. */
    private static String section(String command) {
        Matcher start = SECTION.matcher(docs);
        while (start.find()) {
            if (start.group(1).equals(command)) {
                int end = docs.indexOf("\n## ", start.end());
                return docs.substring(start.end(), end < 0 ? docs.length() : end);
            }
        }
        throw new AssertionError("docs/cli.md has no section ## `dice4j " + command + "`");
    }

    /** The default column of each option row of {@code text}, by the row's longest flag. */
    private static Map<String, String> optionRows(String text) {
        Map<String, String> rows = new LinkedHashMap<>();
        // An escaped \| in a cell (a|b|c values) is not a cell boundary.
        Matcher row = OPTION_ROW.matcher(text.replace("\\|", "¦"));
        while (row.find()) {
            String longest = null;
            for (Matcher flag = FLAG.matcher(row.group(1)); flag.find(); ) {
                longest = flag.group(1);
            }
            rows.put(longest, row.group(2).strip());
        }
        return rows;
    }

    @Test
    void everyOptionIsDocumentedWithItsDefaultAndNothingElseIs() {
        Map<String, String> common = optionRows(docs.substring(docs.indexOf("## Every command"),
                docs.indexOf("## Exit codes")));
        for (CommandLine command : new CommandLine(new Main()).getSubcommands().values()) {
            Map<String, String> rows = optionRows(section(command.getCommandName()));
            List<String> missing = new ArrayList<>();
            for (OptionSpec option : command.getCommandSpec().options()) {
                String flag = option.longestName();
                String documented = rows.containsKey(flag) ? rows.remove(flag) : common.get(flag);
                if (documented == null) {
                    missing.add(flag);
                } else if (option.defaultValue() != null) {
                    assertTrue(documented.contains(option.defaultValue()), command.getCommandName() + " " + flag
                            + ": the docs say '" + documented + "', the default is " + option.defaultValue());
                } else if (option.required()) {
                    assertEquals("required", documented, command.getCommandName() + " " + flag);
                }
            }
            assertEquals(List.of(), missing, command.getCommandName() + ": options missing from docs/cli.md");
            assertEquals(Map.of(), rows, command.getCommandName() + ": documented options it does not have");
        }
    }

    /** The schema of a command's JSON: key → {type, presence}. */
    private static Map<String, String[]> schema(String command) {
        Map<String, String[]> keys = new LinkedHashMap<>();
        Matcher row = KEY_ROW.matcher(section(command));
        while (row.find()) {
            keys.put(row.group(1), new String[] {row.group(2), row.group(3)});
        }
        assertFalse(keys.isEmpty(), command);
        return keys;
    }

    private static String type(JsonElement value) {
        if (value.isJsonObject()) {
            return "object";
        }
        if (value.isJsonArray()) {
            return !value.getAsJsonArray().isEmpty() && value.getAsJsonArray().get(0).isJsonArray() ? "matrix" : "list";
        }
        if (value.isJsonNull()) {
            return "null";
        }
        if (value.getAsJsonPrimitive().isString()) {
            return "string";
        }
        if (value.getAsJsonPrimitive().isBoolean()) {
            return "boolean";
        }
        double number = value.getAsDouble();
        return number == Math.rint(number) && !value.getAsString().contains(".") ? "integer" : "number";
    }

    /** {@code json} has only keys of the schema, each of its type (null for a number: NaN), and the ones always there. */
    private static void assertFollowsSchema(String command, String json, String what) {
        Map<String, String[]> schema = schema(command);
        JsonObject object = JsonParser.parseString(json).getAsJsonObject();
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            String[] documented = schema.get(entry.getKey());
            assertTrue(documented != null, what + ": key " + entry.getKey() + " is not in the schema of docs/cli.md");
            String actual = type(entry.getValue());
            boolean numberLike = documented[0].equals("number") && (actual.equals("integer") || actual.equals("null"));
            assertTrue(actual.equals(documented[0]) || numberLike, what + ": " + entry.getKey() + " is " + actual
                    + ", the schema says " + documented[0]);
        }
        schema.forEach((key, documented) -> assertTrue(!documented[1].equals("always") || object.has(key),
                what + ": " + key + " is always there, says docs/cli.md"));
    }

    /** The command's example in docs/cli.md, checked against its schema and against a real run's keys. */
    private static void assertExampleFollowsSchema(String command) {
        Matcher example = EXAMPLE.matcher(section(command));
        assertTrue(example.find(), command + ": no example");
        assertFollowsSchema(command, example.group(1), command + "'s example");
    }

    /** Each run of {@code command} on {@code inputs} with one of {@code variants} of options prints its schema. */
    private static void assertRunsFollowSchema(String command, List<String> inputs, String[][] variants) {
        for (String[] options : variants) {
            List<String> args = new ArrayList<>(List.of(command, "--json"));
            args.addAll(inputs);
            args.addAll(List.of(options));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
            assertFollowsSchema(command, run.out(), command + " " + String.join(" ", options));
        }
        assertExampleFollowsSchema(command);
    }

    @Test
    void lossPrintsItsSchemaUnderEveryReduction() {
        Path logits = CliFixtures.logits(folder.resolve("logits.npy"), 2, 3, 20);
        Path labels = CliFixtures.labels(folder.resolve("labels.npy"), 2, 3, 20);
        assertRunsFollowSchema("loss", List.of("--logits", logits.toString(), "--target", labels.toString()),
                new String[][] {{"--reduction", "mean"}, {"--reduction", "sum"}, {"--reduction", "none"},
                    {"--ce-weight", "1"}, {"--batch", "--exclude-background"}, {"--generalized", "simple"},
                    {"--empty", "exclude", "--reduction", "none"}});
    }

    @Test
    void metricPrintsItsSchemaUnderEveryReduction() {
        Path scores = CliFixtures.logits(folder.resolve("scores.npy"), 2, 3, 20);
        Path labels = CliFixtures.labels(folder.resolve("targets.npy"), 2, 3, 20);
        assertRunsFollowSchema("metric", List.of("--pred", scores.toString(), "--target", labels.toString()),
                new String[][] {{"--reduction", "mean"}, {"--reduction", "mean-batch"}, {"--batch"},
                    {"--reduction", "none"}, {"--exclude-background", "--keep-empty"}});
    }

    @Test
    void benchPrintsItsSchema() {
        CliRun run = CliRun.of("bench", "--shape", "1,2,64", "--seconds", "0.01", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertFollowsSchema("bench", run.out(), "bench");
        JsonObject forward = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonObject("forward");
        assertEquals(List.of("elements_per_s", "reference_elements_per_s"), List.copyOf(forward.keySet()));
        assertTrue(forward.get("elements_per_s").getAsDouble() > 0, run.out());
        assertExampleFollowsSchema("bench");
    }
}
