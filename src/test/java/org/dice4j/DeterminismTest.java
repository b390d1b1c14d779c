package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.dice4j.internal.KernelProvider;
import org.dice4j.testing.Bits;
import org.dice4j.testing.ChildJvm;
import org.dice4j.testing.FallbackProbe;
import org.junit.jupiter.api.Test;

/**
 * The same input gives the same bits on every call and in every JVM, whether the kernels run interpreted, compiled
 * by C1 or C2, or switch tiers in the middle of a call (on-stack replacement).
 */
class DeterminismTest {

    /** Run by a fresh JVM: prints the bits of the first call's terms and whether N more calls matched them. */
    public static void main(String[] args) {
        DiceLoss loss = FallbackProbe.loss();
        String first = Bits.hex(FallbackProbe.run(loss).terms());
        int mismatches = 0;
        for (int call = 0; call < Integer.parseInt(args[0]); call++) {
            if (!first.equals(Bits.hex(FallbackProbe.run(loss).terms()))) {
                mismatches++;
            }
        }
        System.out.println("kernels=" + loss.kernelName() + " mismatches=" + mismatches);
        System.out.println("bits=" + first);
    }

    private static List<String> runChild(int calls, String... jvmOptions) throws IOException, InterruptedException {
        ChildJvm.Output child = ChildJvm.run(ChildJvm.command(KernelProvider.vectorModulePresent(),
                List.of(jvmOptions), DeterminismTest.class, Integer.toString(calls)), 120);
        String output = child.text();
        assertEquals(0, child.exitCode(), output);
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
