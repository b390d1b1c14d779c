package org.dice4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dice4j} command line: {@code java --add-modules jdk.incubator.vector -jar dice4j.jar SUBCOMMAND …}. */
@Command(name = "dice4j", mixinStandardHelpOptions = true, version = "dice4j 0.1.0",
        description = "Fused SIMD Dice-family segmentation losses.",
        subcommands = {LossCommand.class, MetricCommand.class, EvalCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad usage or bad input. */
    static final int BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    static final int INTERNAL_FAILURE = 1;

    @CommandLine.Option(names = "--debug", description = "Print stack traces of failures.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given standard output and error (the entry point of tests). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(out);
        commandLine.setErr(err);
        // Usage errors are one line too, pointing at the help instead of printing it.
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine failing = exception.getCommandLine();
            failing.getErr().println("dice4j: " + exception.getMessage() + " (see "
                    + failing.getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            boolean badInput = exception instanceof IllegalArgumentException;
            line.getErr().println("dice4j: " + (exception.getMessage() == null ? exception.toString() : exception.getMessage()));
            if (main.debug) {
                exception.printStackTrace(line.getErr());
            }
            return badInput ? BAD_INPUT : INTERNAL_FAILURE;
        });
        return commandLine.execute(args);
    }
}
