package org.dice4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dice4j.DiceLoss;
import org.junit.jupiter.api.Test;

/**
 * The provider picks the kernels the JVM can run: the build runs the suite once with the Vector API module and once
 * without, telling each run what to expect through {@code -Ddice4j.test.expectedKernels}.
 */
class KernelSelectionTest {
    private static final String EXPECTED = System.getProperty("dice4j.test.expectedKernels");

    @Test
    void theProviderPicksTheKernelsThisRunExpects() {
        assumeTrue(EXPECTED != null, "not run by the build's surefire executions");
        assertEquals(EXPECTED, KernelProvider.get().name());
        assertEquals(EXPECTED, DiceLoss.binary().kernelName());
        assertEquals(EXPECTED.equals("vector"), KernelProvider.vectorModulePresent());
    }

    @Test
    void withoutTheModuleNoVectorKernelsAreOffered() {
        assumeTrue(!KernelProvider.vectorModulePresent());
        assertTrue(KernelProvider.vector().isEmpty());
        assertEquals("scalar", KernelProvider.get().name());
    }

    @Test
    void referenceKernelsCanBeForcedPerLoss() {
        assertEquals("scalar", DiceLoss.builder().referenceKernels(true).build().kernelName());
        assertFalse(DiceLoss.builder().build().kernelName().isEmpty());
    }
}
