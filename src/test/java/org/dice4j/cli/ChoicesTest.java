package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option that takes one of a few names shows them in {@code --help} ({@code a|b|c}), and those are exactly the
 * names it accepts: an unknown one is refused with the same list.
 */
class ChoicesTest {
    @TempDir
    Path folder;

    /** Each command's required arguments, on files of {@link #folder}. */
    private Map<String, List<String>> inputs() throws IOException {
        String logits = CliFixtures.logits(folder.resolve("logits.npy"), 2, 3, 20).toString();
        String labels = CliFixtures.labels(folder.resolve("labels.npy"), 2, 3, 20).toString();
        String empty = Files.createDirectories(folder.resolve("dir")).toString();
        return Map.of("loss", List.of("--logits", logits, "--target", labels),
                "metric", List.of("--pred", logits, "--target", labels),
                "eval", List.of("--pred-dir", empty, "--target-dir", empty),
                "bench", List.of());
    }

    @Test
    void theNamesInTheHelpAreTheNamesAccepted() throws IOException {
        Map<String, List<String>> inputs = inputs();
        // An option that needs another one before its value is looked at.
        Map<String, List<String>> needs = Map.of("--weight-normalization", List.of("--weights", "1,1,1"));
        int checked = 0;
        for (CommandLine command : new CommandLine(new Main()).getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (!option.paramLabel().contains("|")) {
                    continue;
                }
                String flag = option.longestName();
                List<String> args = new ArrayList<>(List.of(command.getCommandName()));
                args.addAll(inputs.get(command.getCommandName()));
                args.addAll(needs.getOrDefault(flag, List.of()));
                args.addAll(List.of(flag, "bogus"));
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals("dice4j: " + flag + ": expected " + String.join(", ", option.paramLabel().split("\\|"))
                        + ", got 'bogus'\n", run.err(), String.join(" ", args));
                assertEquals(2, run.exitCode());
                checked++;
            }
        }
        // loss: --activation, --target-kind, --variant, --weight-normalization, --empty, --reduction, --generalized;
        // metric: --activation, --reduction; eval: --activation; bench: --activation.
        assertEquals(11, checked);
    }
}
