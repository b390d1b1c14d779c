package org.dice4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.dice4j.testing.ChildJvm;
import org.dice4j.testing.FallbackProbe;
import org.junit.jupiter.api.Test;

/**
 * {@code -Ddice4j.provider} forces the kernels, and a value it does not know is a clear error; so is an unknown
 * {@code -Ddice4j.coldStart}, which leaves the scalar kernels.
 */
class ProviderOverrideTest {

    private static String runProbe(boolean withModule, String... properties) throws IOException, InterruptedException {
        ChildJvm.Output output = ChildJvm.run(ChildJvm.command(withModule, List.of(properties), FallbackProbe.class), 60);
        return output.text() + "\nexit=" + output.exitCode();
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
    void anUnknownColdStartModeLeavesTheVectorKernelsOut() throws IOException, InterruptedException {
        String output = runProbe(true, "-Ddice4j.coldStart=fast");
        assertTrue(output.contains("-Ddice4j.coldStart: expected 'auto', 'vector' or 'twin', got 'fast'"), output);
        assertTrue(output.lines().anyMatch("kernels=scalar"::equals), output);
        assertTrue(output.endsWith("exit=0"), output);
    }

    @Test
    void theDefaultIsTheFastestAvailable() {
        assertEquals(KernelProvider.vectorModulePresent() ? "vector" : "scalar", KernelProvider.get().name());
    }
}
