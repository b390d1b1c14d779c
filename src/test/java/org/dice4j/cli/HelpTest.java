package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --help} explains every option: one line of meaning and its default, for every subcommand. */
class HelpTest {

    @Test
    void everyOptionOfEveryCommandSaysWhatItDoesAndItsDefault() {
        List<String> undocumented = new ArrayList<>();
        CommandLine main = new CommandLine(new Main());
        List<CommandLine> commands = new ArrayList<>(main.getSubcommands().values());
        commands.add(main);
        for (CommandLine command : commands) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp() || option.required()) {
                    continue;
                }
                String description = String.join(" ", option.description());
                boolean explained = description.replaceAll("Default:.*", "").strip().length() > 10;
                if (!explained || !description.contains("Default:")) {
                    undocumented.add(command.getCommandName() + " " + option.longestName() + ": '" + description + "'");
                }
            }
        }
        assertEquals(List.of(), undocumented);
    }

    @Test
    void everyHelpShowsItsDefaultsResolved() {
        for (String command : new CommandLine(new Main()).getSubcommands().keySet()) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertEquals("", help.err(), command);
            assertFalse(help.out().contains("${"), command + ": " + help.out());
            assertFalse(help.out().contains("Default: null"), command + ": " + help.out());
        }
    }

    @Test
    void theHelpShowsTheDefaultValues() {
        CliRun help = CliRun.of("loss", "--help");
        assertEquals(0, help.exitCode());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("--smooth-nr=X Smoothing added to the score's numerator. Default: 1e-5."), text);
        assertTrue(text.contains("--empty=include|zero|exclude A term whose target is empty"), text);
    }
}
