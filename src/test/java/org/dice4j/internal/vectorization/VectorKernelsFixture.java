package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;

/** The vector kernels under test; the tests of this package abort (not fail) in the scalar-only run. */
final class VectorKernelsFixture {

    private VectorKernelsFixture() {
    }

    /** The vector kernels, after an assumption that aborts the calling test when the module is absent. */
    static Kernels requireVectorKernels() {
        Optional<Kernels> vector = KernelProvider.vector();
        assumeTrue(vector.isPresent(), "jdk.incubator.vector absent: this is the scalar-only run");
        return vector.orElseThrow();
    }
}
