package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dice4j.internal.KernelProvider;
import org.junit.jupiter.api.Test;

/** {@code -Ddice4j.provider} forces the kernels, and a value it does not know is a clear error. */
class ProviderOverrideTest {

    private static String runProbe(boolean withModule, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FallbackProbe.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return output + "\nexit=" + child.exitValue();
    }

    @Test
    void scalarCanBeForcedEvenWithTheVectorModule() throws IOException, InterruptedException {
        String output = runProbe(true, "-Ddice4j.provider=scalar");
        assertTrue(output.lines().anyMatch("kernels=scalar"::equals), output);
        assertTrue(output.endsWith("exit=0"), output);
    }

    @Test
    void vectorCannotBeForcedWithoutTheModule() throws IOException, InterruptedException {
        String output = runProbe(false, "-Ddice4j.provider=vector");
        assertTrue(output.contains("IllegalArgumentException: -Ddice4j.provider=vector needs the jdk.incubator.vector"
                + " module: pass '--add-modules jdk.incubator.vector' to the java command"), output);
        assertTrue(output.endsWith("exit=1"), output);
    }

    @Test
    void anUnknownProviderIsAnError() throws IOException, InterruptedException {
        String output = runProbe(true, "-Ddice4j.provider=gpu");
        assertTrue(output.contains("IllegalArgumentException: -Ddice4j.provider: expected 'scalar' or 'vector', got 'gpu'"),
                output);
        assertTrue(!output.contains("ExceptionInInitializerError"), output);
    }

    @Test
    void theDefaultIsTheFastestAvailable() {
        assertEquals(KernelProvider.vectorModulePresent() ? "vector" : "scalar", KernelProvider.get().name());
    }
}
