package org.dice4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A fresh JVM on the test's own class path, for properties a running JVM cannot show (fallback, JIT, signals). */
public final class ChildJvm {
    private ChildJvm() {}

    /** What a child printed (standard output and error, merged) and its exit code. */
    public record Output(String text, int exitCode) {}

    /** {@code java [--add-modules=jdk.incubator.vector] options… -cp <this class path> main args…}. */
    public static List<String> command(boolean vectorModule, List<String> options, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (vectorModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        // As the CLI jar's manifest allows (Enable-Native-Access): eval's isatty(2) without the JVM's warning.
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code command} to its end, failing if it takes longer than {@code timeoutSeconds}. */
    public static Output run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(timeoutSeconds, TimeUnit.SECONDS), "child JVM did not finish");
        return new Output(output, child.exitValue());
    }
}
