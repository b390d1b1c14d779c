package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import org.dice4j.Activation;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.testing.Examples;
import org.dice4j.testing.KernelPasses;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;
import org.dice4j.testing.Tolerances;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The Vector API statistics pass equals the scalar double reference, for every activation and target kind.
 *
 * <p>Tolerance: each statistic is a sum of non-negative terms. The vector kernels compute each term in float
 * (exp within 2 ulp, then an add and a divide or a product: ≤ ~4 ulp, 3e-7 relative) and add at most 64 terms per lane in
 * float before moving to double (≤ 63·2^-24 ≈ 3.8e-6 relative, worst case). So the sum is within ~4e-6 of the
 * reference relative to itself; we allow 1e-5, plus 1e-30 absolute for sums of terms below float's range (a
 * sigmoid of −88 is 0 in float, 6e-39 in double): {@link Tolerances#statisticBound}; the cross-entropy sums
 * may be off by a few float epsilons more per voxel ({@link Tolerances#assertStatisticsClose}).
 */
class VectorStatisticsTest {

    private Kernels vector;

    @BeforeEach
    void requireVectorKernels() {
        vector = VectorKernelsFixture.requireVectorKernels();
    }

    @Test
    void sigmoidStatisticsAgainstDenseTargetsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SIGMOID, false));
    }

    @Test
    void sigmoidStatisticsAgainstLabelMapsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SIGMOID, true));
    }

    @Test
    void softmaxStatisticsAgainstDenseTargetsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SOFTMAX, false));
    }

    @Test
    void softmaxStatisticsAgainstLabelMapsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SOFTMAX, true));
    }

    @Test
    void identityStatisticsAgainstDenseTargetsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.NONE, false));
    }

    @Test
    void identityStatisticsAgainstLabelMapsEqualTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.NONE, true));
    }

    @Test
    void anOutOfRangeLabelIsReportedAtTheSameVoxelAsByTheReference() {
        qt().withExamples(Examples.scaled(1, 3)).forAll(Problems.labelProblems(), booleans().all())
                .checkAssert((problem, nearEnd) -> {
                    Instance instance = problem.instance();
                    long labels = instance.target().elementCount();
                    long voxel = nearEnd ? labels - 1 - Math.floorMod(problem.seed(), Math.min(labels, 20))
                            : Math.floorMod(problem.seed(), labels);
                    long bad = problem.classes() + 3;
                    java.lang.foreign.MemorySegment target = instance.target().segment();
                    switch (problem.kind()) {
                        case UINT8 -> target.set(java.lang.foreign.ValueLayout.JAVA_BYTE, voxel, (byte) bad);
                        case INT32 -> target.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, voxel, (int) bad);
                        default -> target.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, voxel, bad);
                    }
                    StatisticsPass pass = KernelPasses.statistics(instance, false, false);
                    double[] out = new double[pass.outputLength()];
                    String expected = assertThrows(IllegalArgumentException.class,
                            () -> KernelProvider.scalar().statistics(pass, out)).getMessage();
                    String actual = assertThrows(IllegalArgumentException.class,
                            () -> vector.statistics(pass, out)).getMessage();
                    assertEquals(expected, actual);
                });
    }

    private void checkAgainstReference(Gen<Problem> problems) {
        qt().withExamples(Examples.standard()).forAll(problems, booleans().all(), booleans().all(), booleans().all())
                .checkAssert((problem, squared, softIntersection, crossEntropy) -> {
                    StatisticsPass pass = KernelPasses.statistics(problem.instance(), squared, softIntersection,
                            crossEntropy);
                    double[] expected = new double[pass.outputLength()];
                    double[] actual = new double[pass.outputLength()];
                    KernelProvider.scalar().statistics(pass, expected);
                    vector.statistics(pass, actual);
                    Tolerances.assertStatisticsClose(pass, expected, actual, problem + " squared=" + squared
                            + " softIntersection=" + softIntersection + " crossEntropy=" + crossEntropy);
                });
    }
}
