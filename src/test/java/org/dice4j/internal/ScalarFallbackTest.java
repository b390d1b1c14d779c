package org.dice4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import org.dice4j.LossResult;
import org.dice4j.testing.ChildJvm;
import org.dice4j.testing.FallbackProbe;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --add-modules jdk.incubator.vector} the library runs on the scalar kernels, says so once, never
 * loads a vector class, and computes the same terms as the vector kernels (within their stated tolerance).
 */
class ScalarFallbackTest {

    @Test
    void aJvmWithoutTheVectorModuleFallsBackToScalarKernelsAndAgrees() throws IOException, InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "compares against the vector run");
        ChildJvm.Output child = ChildJvm.run(ChildJvm.command(false, List.of("-Xlog:class+load=info"),
                FallbackProbe.class), 60);
        String output = child.text();
        assertEquals(0, child.exitCode(), output);

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
