package org.dice4j.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dice4j} command line: {@code java --add-modules jdk.incubator.vector -jar dice4j.jar SUBCOMMAND …}. */
@Command(name = "dice4j", mixinStandardHelpOptions = true, version = "dice4j 0.1.0",
        description = "Fused SIMD Dice-family segmentation losses.",
        subcommands = {LossCommand.class, MetricCommand.class, EvalCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    /** The kernels' cold-start policy (internal.vectorization.ColdStart): {@code auto}, {@code vector}, {@code twin}. */
    static final String COLD_START_PROPERTY = "dice4j.coldStart";

    /** Exit code for bad usage or bad input. */
    static final int BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    static final int INTERNAL_FAILURE = 1;

    @CommandLine.Option(names = "--debug", description = "Print stack traces of failures. Default: off.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Option(names = "--verbose", description = "Also say on stderr which kernels run. Default: off (stderr"
            + " has only errors and warnings).", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    /** dice4j's loggers (held: java.util.logging keeps only weak references to loggers). */
    private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("org.dice4j");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command");
    }

    public static void main(String[] args) {
        preferColdStartPolicy();
        System.exit(execute(args));
    }

    /**
     * A process of the command line makes one call: its kernels start on the plain-Java twins of the vector stages
     * (the same bits, compiled in milliseconds) unless the user set {@code -Ddice4j.coldStart} (docs/benchmarks.md,
     * "Cold start"). Before any kernel loads.
     */
    static void preferColdStartPolicy() {
        if (System.getProperty(COLD_START_PROPERTY) == null) {
            System.setProperty(COLD_START_PROPERTY, "auto");
        }
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
            // "-logits x.npy" is an unknown option first, not a missing --logits.
            List<String> unmatched = failing.getParseResult() == null ? List.of() : failing.getParseResult().unmatched();
            String message = unmatched.isEmpty() || exception instanceof CommandLine.UnmatchedArgumentException
                    ? exception.getMessage() : "Unknown option: '" + unmatched.get(0) + "'";
            failing.getErr().println("dice4j: " + oneLine(message) + " (see "
                    + failing.getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        // "@file" arguments would be replaced by the file's contents (and an .npy file dumped into a message).
        commandLine.setExpandAtFiles(false);
        commandLine.setExecutionStrategy(parseResult -> {
            boolean verbose = parseResult.asCommandLineList().stream()
                    .anyMatch(line -> line.getParseResult().hasMatchedOption("--verbose"));
            // Before any kernel is chosen: the choice is logged at INFO, a fallback at WARNING.
            LIBRARY_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> report(exception, line.getErr(),
                main.debug));
        try {
            return commandLine.execute(args);
        } catch (Throwable failure) {
            // picocli hands Exceptions to the handler above; an Error (OutOfMemoryError, InternalError) lands here.
            return report(failure, err, main.debug);
        }
    }

    /** One line on stderr and the exit code: 2 for bad input, 1 for anything else (a stack trace only with --debug). */
    static int report(Throwable failure, java.io.PrintWriter err, boolean debug) {
        boolean badInput = failure instanceof IllegalArgumentException;
        String message = failure.getMessage() == null || !(failure instanceof RuntimeException)
                ? "internal error: " + failure + (debug ? "" : " (--debug prints the stack trace)")
                : failure.getMessage();
        err.println("dice4j: " + oneLine(message));
        if (debug) {
            failure.printStackTrace(err);
        }
        err.flush();
        return badInput ? BAD_INPUT : INTERNAL_FAILURE;
    }

    /** Line breaks and other control characters as escapes, so that a message stays one line. */
    static String oneLine(String message) {
        StringBuilder line = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            if (c == '\n') {
                line.append("\\n");
            } else if (c == '\r') {
                line.append("\\r");
            } else if (Character.isISOControl(c)) {
                line.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
            } else {
                line.appendCodePoint(c);
            }
        });
        return line.toString();
    }
}
