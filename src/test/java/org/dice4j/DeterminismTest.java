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

/**
 * The same input gives the same bits on every call and in every JVM, whether the kernels run interpreted, compiled
 * by C1 or C2, or switch tiers in the middle of a call (on-stack replacement).
 */
class DeterminismTest {

    /** Run by a fresh JVM: prints the bits of the first call's terms and whether N more calls matched them. */
    public static void main(String[] args) {
        DiceLoss loss = FallbackProbe.loss();
        long[] first = bits(FallbackProbe.run(loss));
        int mismatches = 0;
        for (int call = 0; call < Integer.parseInt(args[0]); call++) {
            if (!java.util.Arrays.equals(first, bits(FallbackProbe.run(loss)))) {
                mismatches++;
            }
        }
        System.out.println("kernels=" + loss.kernelName() + " mismatches=" + mismatches);
        System.out.println("bits=" + java.util.Arrays.toString(first));
    }

    static long[] bits(LossResult result) {
        long[] bits = new long[result.rows() * result.columns()];
        for (int n = 0; n < result.rows(); n++) {
            for (int c = 0; c < result.columns(); c++) {
                bits[n * result.columns() + c] = Double.doubleToRawLongBits(result.term(n, c));
            }
        }
        return bits;
    }

    private static List<String> runChild(int calls, String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (KernelProvider.vectorModulePresent()) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismTest.class.getName(),
                Integer.toString(calls)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, child.exitValue(), output);
        return output.lines().filter(l -> l.startsWith("kernels=") || l.startsWith("bits=")).toList();
    }

    @Test
    void callsAndJvmsAgreeToTheLastBitWhateverTheJitDoes() throws IOException, InterruptedException {
        List<String> tiered = runChild(300);
        List<String> interpretedOnly = runChild(0, "-Xint");
        List<String> c2Eagerly = runChild(20, "-Xbatch", "-XX:-TieredCompilation");
        assertTrue(tiered.getFirst().endsWith(" mismatches=0"), tiered.toString());
        assertTrue(c2Eagerly.getFirst().endsWith(" mismatches=0"), c2Eagerly.toString());
        assertEquals(tiered.get(1), interpretedOnly.get(1), "interpreted vs tiered");
        assertEquals(tiered.get(1), c2Eagerly.get(1), "C2 only vs tiered");
    }
}
