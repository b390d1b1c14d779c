package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval's progress line goes to stderr when stderr is a terminal, whatever stdout is, and never into a pipe. */
class EvalProgressTest {
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    @TempDir
    Path folder;

    /** Three cases, (1, 3, 40) scores against (1, 40) labels; the eval arguments over them. */
    private String[] evalOfThreeCases() throws IOException {
        Path predictions = Files.createDirectory(folder.resolve("pred"));
        Path targets = Files.createDirectory(folder.resolve("ref"));
        for (int k = 0; k < 3; k++) {
            CliFixtures.logits(predictions.resolve("case" + k + ".npy"), 1, 3, 40);
            CliFixtures.labels(targets.resolve("case" + k + ".npy"), 1, 3, 40);
        }
        return new String[] {"eval", "--pred-dir", predictions.toString(), "--target-dir", targets.toString()};
    }

    @Test
    void aTerminalStderrShowsTheProgressLineWhileStdoutGoesToAFile() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SCRIPT), "util-linux's script gives the child a terminal");
        String command = CliProcess.command(List.of(), evalOfThreeCases()).stream().map(EvalProgressTest::quoted)
                .collect(Collectors.joining(" "));
        Path stdout = folder.resolve("stdout.txt");
        Path terminal = folder.resolve("terminal.txt");
        Process script = new ProcessBuilder(SCRIPT.toString(), "-qec", command + " > " + quoted(stdout.toString()),
                terminal.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, script.waitFor());
        String shown = Files.readString(terminal);
        assertTrue(shown.contains("3/3") && shown.contains("files/s"), shown);
        assertTrue(Files.readString(stdout).contains("3 file(s) scored"));
    }

    @Test
    void aPipedStderrGetsNoProgressLine() throws IOException, InterruptedException {
        CliRun run = CliProcess.run(List.of(), evalOfThreeCases());
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("files/s"), run.err());
        assertFalse(run.err().contains("restricted method"), run.err());
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
