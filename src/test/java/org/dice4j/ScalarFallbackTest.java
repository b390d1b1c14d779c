package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dice4j.internal.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --add-modules jdk.incubator.vector} the library runs on the scalar kernels, says so once, never
 * loads a vector class, and computes the same terms as the vector kernels (within their stated tolerance).
 */
class ScalarFallbackTest {

    @Test
    void aJvmWithoutTheVectorModuleFallsBackToScalarKernelsAndAgrees() throws IOException, InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "compares against the vector run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                FallbackProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, child.exitValue(), output);

        List<String> lines = output.lines().toList();
        assertTrue(lines.contains("kernels=scalar"), output);
        assertEquals(1, lines.stream().filter(l -> l.contains("Java vector incubator module is not readable")).count(),
                output);
        assertTrue(lines.stream().filter(l -> l.contains("[class,load]"))
                        .noneMatch(l -> l.contains(" jdk.incubator.vector.") || l.contains(".vectorization.")),
                "a vector class was loaded:\n" + output);

        LossResult vector = FallbackProbe.run(FallbackProbe.loss());
        assertEquals("vector", FallbackProbe.loss().kernelName());
        int compared = 0;
        for (String line : lines) {
            if (line.startsWith("term ")) {
                String[] parts = line.split(" ");
                double scalarTerm = Double.parseDouble(parts[3]);
                double vectorTerm = vector.term(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                assertEquals(scalarTerm, vectorTerm, 1e-5 * Math.abs(scalarTerm) + 1e-9, line);
                compared++;
            }
        }
        assertEquals(vector.rows() * vector.columns(), compared, output);
    }
}
