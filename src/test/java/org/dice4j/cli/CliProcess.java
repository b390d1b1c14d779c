package org.dice4j.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dice4j.internal.KernelProvider;
import org.dice4j.testing.ChildJvm;

/** The command line in a child JVM of the test's own kind (same classpath, same kernels), for tests that signal it. */
final class CliProcess {
    private CliProcess() {}

    /** The command that runs {@code dice4j args…}, after {@code prefix} (e.g. a privilege-dropping wrapper). */
    static List<String> command(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(ChildJvm.command(KernelProvider.vectorModulePresent(), List.of(), Main.class, args));
        return command;
    }

    /** Starts {@code dice4j args…}; its output is discarded unless the caller reads it. */
    static Process start(String... args) throws IOException {
        return new ProcessBuilder(command(List.of(), args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Runs {@code dice4j args…} to its end and returns the exit code and what it printed. */
    static CliRun run(List<String> prefix, String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(prefix, args)).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        return new CliRun(process.waitFor(), out, err);
    }
}
