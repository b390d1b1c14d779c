package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import java.util.Arrays;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;
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
 * sigmoid of −88 is 0 in float, 6e-39 in double).
 */
class VectorStatisticsTest {
    static final double RELATIVE_TOLERANCE = 1e-5;
    static final double ABSOLUTE_TOLERANCE = 1e-30;

    private Kernels vector;

    @BeforeEach
    void requireVectorKernels() {
        assumeTrue(KernelProvider.vector().isPresent(), "jdk.incubator.vector absent: this is the scalar-only run");
        vector = KernelProvider.vector().orElseThrow();
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
                    StatisticsPass pass = pass(instance, false, false);
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
                    StatisticsPass pass = pass(problem.instance(), squared, softIntersection, crossEntropy);
                    double[] expected = new double[pass.outputLength()];
                    double[] actual = new double[pass.outputLength()];
                    KernelProvider.scalar().statistics(pass, expected);
                    vector.statistics(pass, actual);
                    assertClose(pass, expected, actual, problem + " squared=" + squared + " softIntersection="
                            + softIntersection + " crossEntropy=" + crossEntropy);
                });
    }

    /**
     * The cross-entropy sums are sums of non-negative terms ((max − z) + ln Σ e^(z − max); max(z, 0) − z·g plus
     * ln(1 + e^−|z|)), each within a few ulp of itself, except that Σ e^(z − max) is rounded once more before its log:
     * an absolute error of up to ~C float epsilons per voxel (a confident voxel's tiny loss is lost in it, as in any
     * float32 framework). So besides the relative tolerance each voxel may be off by 2^-21·(C + 1). Huge logits
     * (Problems.LogitScale) need no more: max − z of two floats is exact or rounded once, and Σ is as for any logits.
     */
    static void assertClose(StatisticsPass pass, double[] expected, double[] actual, String context) {
        double crossEntropySlack = pass.crossEntropy() ? Math.scalb(1.0, -21) * (pass.classes() + 1) * pass.voxels() : 0;
        assertClose(expected, actual, crossEntropySlack, context);
    }

    static void assertClose(double[] expected, double[] actual, String context) {
        assertClose(expected, actual, 0, context);
    }

    private static void assertClose(double[] expected, double[] actual, double crossEntropySlack, String context) {
        for (int i = 0; i < expected.length; i++) {
            double tolerance = RELATIVE_TOLERANCE * Math.abs(expected[i]) + ABSOLUTE_TOLERANCE
                    + (i % StatisticsPass.STATS == StatisticsPass.CROSS_ENTROPY ? crossEntropySlack : 0);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError("statistic " + i % StatisticsPass.STATS + " of (image, class) #"
                        + i / StatisticsPass.STATS + ": expected " + expected[i] + ", got " + actual[i]
                        + " (tolerance " + tolerance + ") in " + context + "\nexpected " + Arrays.toString(expected)
                        + "\nactual   " + Arrays.toString(actual));
            }
        }
    }

    static StatisticsPass pass(Instance instance, boolean squared, boolean softIntersection) {
        return pass(instance, squared, softIntersection, false);
    }

    /** The pass of an instance; the cross-entropy only with logits (SOFTMAX or SIGMOID), as the loss allows it. */
    static StatisticsPass pass(Instance instance, boolean squared, boolean softIntersection, boolean crossEntropy) {
        Problem problem = instance.problem();
        long[] shape = problem.shape();
        long voxels = instance.logits().elementCount() / shape[0] / shape[1];
        return new StatisticsPass(instance.logits().segment(), instance.target().segment(), instance.target().dtype(),
                shape[0], (int) shape[1], voxels, problem.activation(), squared, softIntersection,
                crossEntropy && problem.activation() != Activation.NONE, problem.hasIgnore(),
                problem.ignoreIndex(), shape);
    }
}
