package org.dice4j.internal.vectorization;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.dice4j.Activation;
import org.dice4j.internal.GradientPass;
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
 * The Vector API gradient pass equals the scalar double reference given the same coefficients, for every activation
 * and target kind, whether it reads the probabilities the statistics pass stored or computes them again; the
 * statistics of the storing pass equal the reference's (tolerance of {@link VectorStatisticsTest}).
 *
 * <p>Tolerance: the vector kernels compute p in float (≤ 4 ulp, 3e-7 relative), round the coefficients to float
 * (6e-8) and evaluate ∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g) with a few fma: its error is at most ~1e-6 of
 * K = |a| + |b|·max(1, |p|) + |e|. The sigmoid factor p(1 − p) ≤ 1/4 adds 2 ulp; the softmax Jacobian
 * p_c·(∂L/∂p_c − Σ p_k ∂L/∂p_k) at most doubles the bound (p ≤ 1, Σ p_k = 1). So each element is within ~2e-6 of
 * max_k K_k at its voxel; we allow 1e-5 of it. Where p and g are within 1e-5 of each other and the sign
 * coefficient is not 0, float and double may fall on different sides of sign(p − g), a difference of up to 2|e|:
 * those voxels are skipped (soft targets are drawn at random, so they are rare); the sign term is checked everywhere
 * else. The cross-entropy coefficient κ (random as the others) adds p_c·Σ_k κ_k·g_k − κ_c·g_c (softmax) or
 * κ·(p − g): at most max|κ|·(1 + Σ_k g_k + |p|) at a voxel, added to the bound.
 */
class VectorGradientTest {
    private static final double TOLERANCE = 1e-5;

    private Kernels vector;

    @BeforeEach
    void requireVectorKernels() {
        assumeTrue(KernelProvider.vector().isPresent(), "jdk.incubator.vector absent: this is the scalar-only run");
        vector = KernelProvider.vector().orElseThrow();
    }

    @Test
    void sigmoidGradientAgainstDenseTargetsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SIGMOID, false));
    }

    @Test
    void sigmoidGradientAgainstLabelMapsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SIGMOID, true));
    }

    @Test
    void softmaxGradientAgainstDenseTargetsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SOFTMAX, false));
    }

    @Test
    void softmaxGradientAgainstLabelMapsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.SOFTMAX, true));
    }

    @Test
    void identityGradientAgainstDenseTargetsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.NONE, false));
    }

    @Test
    void identityGradientAgainstLabelMapsEqualsTheReference() {
        checkAgainstReference(Problems.problemsWith(Activation.NONE, true));
    }

    private void checkAgainstReference(Gen<Problem> problems) {
        qt().withExamples(Examples.standard()).forAll(problems, booleans().all(), booleans().all(), longs().all())
                .checkAssert((problem, squared, soft, coefficientSeed) -> {
                    Instance instance = problem.instance();
                    boolean softLabel = soft && !squared;
                    // The statistics pass sums the cross-entropy too in half the cases (the low bit of the random seed).
                    StatisticsPass pass = KernelPasses.statistics(instance, squared, softLabel,
                            (coefficientSeed & 1) == 0);
                    double[] coefficients = randomCoefficients(pass, softLabel, new SplittableRandom(coefficientSeed));
                    long elements = instance.logits().elementCount();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment expected = arena.allocate(Math.max(1, elements) * Float.BYTES);
                        MemorySegment stored = arena.allocate(Math.max(1, elements) * Float.BYTES);
                        MemorySegment recomputed = arena.allocate(Math.max(1, elements) * Float.BYTES);
                        double[] statistics = new double[pass.outputLength()];
                        KernelProvider.scalar().gradient(new GradientPass(pass, expected, coefficients, false));
                        boolean wasStored = vector.statisticsForGradient(pass, statistics, stored);
                        vector.gradient(new GradientPass(pass, stored, coefficients, wasStored));
                        vector.gradient(new GradientPass(pass, recomputed, coefficients, false));
                        String context = problem + " squared=" + squared + " softLabel=" + softLabel;
                        double[] referenceStatistics = new double[pass.outputLength()];
                        KernelProvider.scalar().statistics(pass, referenceStatistics);
                        Tolerances.assertStatisticsClose(pass, referenceStatistics, statistics,
                                context + " (statistics of the pass that stores the probabilities)");
                        assertGradientClose(pass, coefficients, expected, stored, context + " (after the statistics pass)");
                        assertGradientClose(pass, coefficients, expected, recomputed, context + " (recomputed)");
                    }
                });
    }

    /**
     * Coefficients of every sign and of magnitudes 1e-6…1e2, some zero. The sign term only with the soft-label
     * formulation, as in the loss.
     */
    private static double[] randomCoefficients(StatisticsPass pass, boolean softLabel, SplittableRandom random) {
        double[] coefficients = new double[(int) (pass.images() * pass.classes() * GradientPass.COEFFICIENTS)];
        for (int i = 0; i < coefficients.length; i++) {
            boolean sign = i % GradientPass.COEFFICIENTS == GradientPass.SIGN;
            if ((sign && !softLabel) || random.nextInt(6) == 0) {
                continue;
            }
            coefficients[i] = (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-6, 2));
        }
        return coefficients;
    }

    private static void assertGradientClose(StatisticsPass pass, double[] coefficients, MemorySegment expected,
            MemorySegment actual, String context) {
        int classes = pass.classes();
        for (long n = 0; n < pass.images(); n++) {
            for (long v = 0; v < pass.voxels(); v++) {
                double bound = 0;
                double crossEntropyBound = 0;
                double targetSum = 0;
                boolean nearKink = false;
                for (int c = 0; c < classes; c++) {
                    int base = (int) ((n * classes + c) * GradientPass.COEFFICIENTS);
                    crossEntropyBound = Math.max(crossEntropyBound,
                            Math.abs(coefficients[base + GradientPass.CROSS_ENTROPY]));
                    targetSum += Math.abs(target(pass, n, c, v));
                }
                for (int c = 0; c < classes; c++) {
                    int base = (int) ((n * classes + c) * GradientPass.COEFFICIENTS);
                    double p = Math.abs(probability(pass, n, c, v));
                    bound = Math.max(bound, Math.abs(coefficients[base + GradientPass.TARGET])
                            + Math.abs(coefficients[base + GradientPass.PREDICTION]) * Math.max(1, p)
                            + Math.abs(coefficients[base + GradientPass.SIGN]));
                    nearKink |= coefficients[base + GradientPass.SIGN] != 0
                            && Math.abs(probability(pass, n, c, v) - target(pass, n, c, v)) < 1e-5;
                }
                if (nearKink) {
                    continue; // float and double may take different sides of sign(p − g) there: see the class doc
                }
                // The cross-entropy's p_c·Σ_k κ_k·g_k − κ_c·g_c (softmax) or κ·(p − g) (elementwise).
                bound += crossEntropyBound * (1 + targetSum + Math.abs(probability(pass, n, 0, v)));
                for (int c = 0; c < classes; c++) {
                    long index = (n * classes + c) * pass.voxels() + v;
                    double want = expected.getAtIndex(JAVA_FLOAT_UNALIGNED, index);
                    double got = actual.getAtIndex(JAVA_FLOAT_UNALIGNED, index);
                    double tolerance = TOLERANCE * bound;
                    if (!(Math.abs(want - got) <= tolerance) && !(Double.isNaN(want) && Double.isNaN(got))) {
                        throw new AssertionError("gradient of image " + n + ", class " + c + ", voxel " + v
                                + ": expected " + want + ", got " + got + " (tolerance " + tolerance + ") in "
                                + context);
                    }
                }
            }
        }
    }

    /** The reference probability of (n, c, v), in double (ignoring any mask). */
    private static double probability(StatisticsPass pass, long n, int c, long v) {
        int classes = pass.classes();
        long voxels = pass.voxels();
        MemorySegment logits = pass.logits();
        double z = logits.getAtIndex(JAVA_FLOAT_UNALIGNED, (n * classes + c) * voxels + v);
        return switch (pass.activation()) {
            case NONE -> z;
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, logits.getAtIndex(JAVA_FLOAT_UNALIGNED, (n * classes + k) * voxels + v));
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(logits.getAtIndex(JAVA_FLOAT_UNALIGNED, (n * classes + k) * voxels + v) - max);
                }
                yield Math.exp(z - max) / sum;
            }
        };
    }

    /** The target of (n, c, v): dense value, or 1/0 from the label (0 where the voxel is ignored). */
    private static double target(StatisticsPass pass, long n, int c, long v) {
        if (pass.denseTarget()) {
            return pass.target().getAtIndex(JAVA_FLOAT_UNALIGNED, (n * pass.classes() + c) * pass.voxels() + v);
        }
        long index = n * pass.voxels() + v;
        long label = switch (pass.targetType()) {
            case UINT8 -> Byte.toUnsignedLong(pass.target().get(java.lang.foreign.ValueLayout.JAVA_BYTE, index));
            case INT32 -> pass.target().getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, index);
            default -> pass.target().getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, index);
        };
        return label == pass.foregroundLabel(c) ? 1 : 0;
    }
}
