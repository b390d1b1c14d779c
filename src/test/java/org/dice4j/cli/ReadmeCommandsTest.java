package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command line of the README's shell blocks runs as written (after its {@code java … -jar target/dice4j.jar}
 * prefix) on inputs of the kinds and names it uses, and exits with 0: a renamed or refused flag fails here first.
 * {@code bench} is left out (its default problem takes tens of seconds; {@link CliDocsTest} runs a small one).
 */
class ReadmeCommandsTest {
    private static final String PREFIX = "\"$JAVA_HOME/bin/java\" --add-modules jdk.incubator.vector -jar"
            + " target/dice4j.jar ";
    private static final Pattern SHELL_BLOCK = Pattern.compile("(?s)```sh\\n(.*?)```");

    @TempDir
    Path folder;

    /** The command lines of the README that call the jar, continuation lines joined. */
    private static List<String> commands() throws IOException {
        List<String> commands = new ArrayList<>();
        Matcher block = SHELL_BLOCK.matcher(Files.readString(Path.of("README.md")));
        while (block.find()) {
            for (String line : block.group(1).replace("\\\n", " ").split("\n")) {
                if (line.contains("target/dice4j.jar")) {
                    int at = line.indexOf(PREFIX);
                    assertTrue(at >= 0, "a bare `java` may be older than 25: " + line);
                    commands.add(line.substring(at + PREFIX.length()).strip());
                }
            }
        }
        return commands;
    }

    /** The README's input names (made by its numpy snippet) as files of the same kinds in {@link #folder}. */
    private void inputs() throws IOException {
        CliFixtures.logits(folder.resolve("logits.npy"), 2, 3, 20);
        CliFixtures.logits(folder.resolve("pred.npy"), 2, 3, 20);
        CliFixtures.labels(folder.resolve("labels.npy"), 2, 3, 20);
        float[] mask = new float[2 * 3 * 20];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 3 == 0 ? 1 : 0;
        }
        CliRun.write(folder.resolve("mask.npy"), DType.FLOAT32, new long[] {2, 3, 20}, MemorySegment.ofArray(mask));
        Files.createDirectories(folder.resolve("preds"));
        Files.createDirectories(folder.resolve("labels"));
        Files.copy(folder.resolve("pred.npy"), folder.resolve("preds/case1.npy"));
        Files.copy(folder.resolve("labels.npy"), folder.resolve("labels/case1.npy"));
    }

    @Test
    void everyCommandOfTheReadmeRuns() throws IOException {
        inputs();
        int ran = 0;
        for (String command : commands()) {
            if (command.startsWith("bench")) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (String word : command.split("\\s+")) {
                // A relative file or folder name is one of the inputs or outputs, here in the test's folder.
                boolean file = word.endsWith(".npy") || word.endsWith(".csv") || word.endsWith("/");
                args.add(file ? folder.resolve(word).toString() : word);
            }
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), command + ": " + run.err());
            assertEquals("", run.err(), command);
            ran++;
        }
        assertEquals(5, ran, "the README's loss, metric and eval examples");
    }
}
