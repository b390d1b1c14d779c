package org.dice4j;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.junit.jupiter.api.Test;

/**
 * The reference gradient is the derivative of the reference loss: on small random problems with random options,
 * {@code forwardBackward} on the scalar kernels equals central finite differences of {@code forward} on the same
 * kernels, in double.
 *
 * <p>Logits lie on a grid of 2^-12 and the steps are 2^-10 and 2^-11, so every perturbed logit is exactly a float
 * and the loss is evaluated in double from exact inputs. The 4th-order difference
 * (f(−2h) − 8f(−h) + 8f(h) − f(2h))/12h is then off by ~h^4·f⁽⁵⁾/30 ≈ 1e-13 and by rounding of the loss
 * (~1e-16·|L|/h: up to ~1e-11 for a log loss of 16); the gradient is written in float (6e-8 relative). We require
 * the largest difference to be at most 1e-6 of the largest gradient element, plus 1e-9 absolute, plus the rounding
 * bound 1e-14·|L|/h (large only for losses made large by smoothing alone, such as 1 − s_nr/s_dr). Where the loss has a kink (the soft-label overlap Σ min(p, g) at
 * p = g) a difference is not a derivative: voxels with some |p − g| &lt; 0.01 are left out in that formulation.
 * Floors are 0 (off) or far above every denominator, so that no step crosses one.
 */
class GradientFiniteDifferenceTest {
    private static final double GRID = 0x1p-12;
    private static final double STEP = 0x1p-11;

    @Test
    void theReferenceGradientIsTheDerivativeOfTheReferenceLoss() {
        qt().withExamples(Examples.scaled(1, 3)).forAll(SmallProblem.generator(), longs().all())
                .checkAssert((problem, optionSeed) -> check(problem, new SplittableRandom(optionSeed)));
    }

    @Test
    void theGradientOfAnExcludedOrEmptyTermIsZero() {
        // One image, C = 2, target all background: class 1 is empty; with EXCLUDE and no background, no term counts.
        float[] logits = {0.5f, -1f, 2f, 0.25f};
        float[] target = {1f, 1f, 0f, 0f};
        DiceLoss loss = DiceLoss.builder().activation(Activation.SOFTMAX).includeBackground(false)
                .emptyPolicy(EmptyPolicy.EXCLUDE).referenceKernels(true).build();
        float[] gradient = new float[4];
        Arrays.fill(gradient, Float.NaN);
        loss.forwardBackward(Tensor.of(logits, 1, 2, 2), Tensor.of(target, 1, 2, 2), Tensor.of(gradient, 1, 2, 2));
        for (float value : gradient) {
            org.junit.jupiter.api.Assertions.assertEquals(0f, value);
        }
    }

    private static void check(SmallProblem problem, SplittableRandom random) {
        // A floor of 0 (off) or far above every denominator of these small problems, so that no step crosses it.
        DiceLoss.Builder builder = Problems.randomLoss(problem.asProblem(), random).toBuilder()
                .denominatorFloor(random.nextInt(4) == 0 ? 1e4 : 0).referenceKernels(true);
        if (random.nextInt(4) == 0) {
            // Generalized Dice, with the options it combines with.
            builder.generalized(GeneralizedWeight.values()[random.nextInt(3)]).variant(Variant.DICE).focalGamma(1)
                    .logLoss(false).squared(false).clearClassWeights().emptyPolicy(EmptyPolicy.INCLUDE);
        }
        DiceLoss loss = builder.build();
        float[] logits = problem.logits().clone();
        Tensor logitTensor = Tensor.of(logits, problem.shape());
        Tensor target = problem.target();
        double upstream = loss.reduction() == Reduction.NONE ? 1 : random.nextDouble(-2, 2);
        LossResult shape = loss.forward(logitTensor, target);
        double[][] upstreamTerms = new double[shape.rows()][shape.columns()];
        for (double[] row : upstreamTerms) {
            for (int column = 0; column < row.length; column++) {
                row[column] = random.nextDouble(-2, 2);
            }
        }
        float[] gradient = new float[logits.length];
        Tensor gradientTensor = Tensor.of(gradient, problem.shape());
        if (loss.reduction() == Reduction.NONE) {
            loss.forwardBackward(logitTensor, target, gradientTensor, upstreamTerms);
        } else {
            loss.forwardBackward(logitTensor, target, gradientTensor, upstream);
            // The allocation-free entry point returns the forward's loss (it once returned the Dice part alone for
            // generalized Dice with λ's) and writes the same gradient, up to the upstream factor.
            float[] unscaled = new float[logits.length];
            double value = loss.lossValueAndGradient(logitTensor, target, Tensor.of(unscaled, problem.shape()));
            org.junit.jupiter.api.Assertions.assertEquals(Double.doubleToRawLongBits(shape.loss()),
                    Double.doubleToRawLongBits(value), "lossValueAndGradient of " + loss);
        }
        if (hasCountedNaNTerm(loss, shape)) {
            return; // (1 − S)^γ of a score above 1 (large smoothing, small sums) is NaN, and so is its gradient
        }
        boolean[] kink = loss.softLabel() ? nearKinks(problem, logits) : new boolean[logits.length];
        double largest = 0;
        double worst = 0;
        int worstAt = -1;
        double[] differences = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float original = logits[i];
            double[] values = new double[4];
            int[] multiples = {-2, -1, 1, 2};
            for (int k = 0; k < 4; k++) {
                logits[i] = (float) (original + multiples[k] * STEP);
                values[k] = objective(loss.forward(logitTensor, target), upstream, upstreamTerms);
            }
            logits[i] = original;
            differences[i] = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * STEP);
            largest = Math.max(largest, Math.abs(gradient[i]));
            if (!kink[i] && Math.abs(differences[i] - gradient[i]) > worst) {
                worst = Math.abs(differences[i] - gradient[i]);
                worstAt = i;
            }
        }
        // Rounding of the loss values, |L|·2^-52 each, enters the difference as ~1.5·|L|·2^-52/h.
        double rounding = 1e-14 * Math.abs(objective(shape, upstream, upstreamTerms)) / STEP;
        if (!(worst <= 1e-6 * largest + 1e-9 + rounding)) {
            String where = worstAt < 0 ? "no comparable element" : "element " + worstAt + ": analytic "
                    + gradient[worstAt] + ", finite difference " + differences[worstAt];
            throw new AssertionError(where + " (largest element " + largest + ") for " + problem + " " + loss
                    + " upstream " + (loss.reduction() == Reduction.NONE ? Arrays.deepToString(upstreamTerms) : upstream)
                    + "\nanalytic   " + Arrays.toString(gradient) + "\ndifference " + Arrays.toString(differences));
        }
    }

    /** Whether a term that counts (not left out by EXCLUDE for an empty target) is NaN. */
    private static boolean hasCountedNaNTerm(DiceLoss loss, LossResult result) {
        Statistics statistics = result.statistics();
        int firstClass = loss.includeBackground() ? 0 : 1;
        for (int row = 0; row < result.rows(); row++) {
            for (int column = 0; column < result.columns(); column++) {
                double targetSum = 0;
                for (int n = 0; n < statistics.images(); n++) {
                    if (loss.batch() || n == row) {
                        targetSum += statistics.targetSum(n, column + firstClass);
                    }
                }
                boolean excluded = loss.emptyPolicy() == EmptyPolicy.EXCLUDE && targetSum == 0;
                if (!excluded && Double.isNaN(result.term(row, column))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** MEAN and SUM: upstream × loss; NONE: Σ upstream·term over the counted terms. */
    private static double objective(LossResult result, double upstream, double[][] upstreamTerms) {
        if (result.reduction() != Reduction.NONE) {
            return upstream * result.loss();
        }
        double sum = 0;
        for (int row = 0; row < result.rows(); row++) {
            for (int column = 0; column < result.columns(); column++) {
                double term = result.term(row, column);
                if (!Double.isNaN(term)) {
                    sum += upstreamTerms[row][column] * term;
                }
            }
        }
        return sum;
    }

    /** Elements of voxels where some class has |p − g| < 0.01 (the soft-label overlap's kink is near). */
    private static boolean[] nearKinks(SmallProblem problem, float[] logits) {
        boolean[] near = new boolean[logits.length];
        int classes = problem.classes();
        int voxels = problem.voxels();
        for (int n = 0; n < problem.images(); n++) {
            for (int v = 0; v < voxels; v++) {
                boolean any = false;
                for (int c = 0; c < classes; c++) {
                    any |= Math.abs(problem.probability(logits, n, c, v) - problem.targetValue(n, c, v)) < 0.01;
                }
                for (int c = 0; c < classes; c++) {
                    near[(n * classes + c) * voxels + v] = any;
                }
            }
        }
        return near;
    }

    /** A problem small enough for 4 loss evaluations per element, its logits on the 2^-12 grid. */
    record SmallProblem(long[] shape, Activation activation, Problems.TargetKind kind, boolean ignore, long seed,
            float[] logits, float[] dense, int[] labels) {

        static org.quicktheories.core.Gen<SmallProblem> generator() {
            return integers().between(1, 2).zip(integers().between(1, 4), integers().between(1, 5),
                    integers().between(1, 3), longs().all(), (images, classes, first, second, seed) -> {
                        SplittableRandom random = new SplittableRandom(seed);
                        Activation activation = Activation.values()[random.nextInt(3)];
                        int c = activation == Activation.SOFTMAX ? Math.max(2, classes) : classes;
                        long[] shape = random.nextBoolean() ? new long[] {images, c, first}
                                : new long[] {images, c, first, second};
                        Problems.TargetKind kind = Problems.TargetKind.values()[random.nextInt(5)];
                        return create(shape, activation, kind, kind.labels() && random.nextBoolean(), seed);
                    });
        }

        static SmallProblem create(long[] shape, Activation activation, Problems.TargetKind kind, boolean ignore,
                long seed) {
            SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int images = (int) shape[0];
            int classes = (int) shape[1];
            int voxels = (int) (Arrays.stream(shape).reduce(1, Math::multiplyExact) / images / classes);
            float[] logits = new float[images * classes * voxels];
            for (int i = 0; i < logits.length; i++) {
                double value = activation == Activation.NONE ? random.nextDouble(0.05, 0.95)
                        : Math.max(-6, Math.min(6, 2 * random.nextGaussian()));
                logits[i] = (float) (Math.rint(value / GRID) * GRID);
            }
            int limit = classes == 1 ? 2 : classes;
            int[] labels = new int[images * voxels];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ignore && random.nextInt(4) == 0 ? 255 : random.nextInt(limit);
            }
            float[] dense = new float[logits.length];
            for (int n = 0; n < images; n++) {
                for (int c = 0; c < classes; c++) {
                    for (int v = 0; v < voxels; v++) {
                        int foreground = classes == 1 ? 1 : c;
                        dense[(n * classes + c) * voxels + v] = kind == Problems.TargetKind.DENSE_SOFT
                                ? (float) random.nextDouble() : labels[n * voxels + v] == foreground ? 1f : 0f;
                    }
                }
            }
            return new SmallProblem(shape, activation, kind, ignore, seed, logits, dense, labels);
        }

        int images() {
            return (int) shape[0];
        }

        int classes() {
            return (int) shape[1];
        }

        int voxels() {
            return logits.length / images() / classes();
        }

        /** The same problem for {@link Problems#randomLoss}: the ignore index is 255 for every label type here. */
        Problems.Problem asProblem() {
            return new Problems.Problem(shape, activation, kind == Problems.TargetKind.UINT8 ? kind
                    : kind.labels() ? Problems.TargetKind.UINT8 : kind,
                    ignore ? Problems.IgnoreMode.SOME : Problems.IgnoreMode.NONE, false, seed);
        }

        Tensor target() {
            long[] labelShape = new long[shape.length - 1];
            labelShape[0] = shape[0];
            System.arraycopy(shape, 2, labelShape, 1, shape.length - 2);
            return switch (kind) {
                case DENSE_ONE_HOT, DENSE_SOFT -> Tensor.of(dense, shape);
                case UINT8 -> {
                    byte[] bytes = new byte[labels.length];
                    for (int i = 0; i < labels.length; i++) {
                        bytes[i] = (byte) labels[i];
                    }
                    yield Tensor.ofUint8(bytes, labelShape);
                }
                case INT32 -> Tensor.of(labels, labelShape);
                case INT64 -> Tensor.of(Arrays.stream(labels).asLongStream().toArray(), labelShape);
            };
        }

        double targetValue(int n, int c, int v) {
            return dense[(n * classes() + c) * voxels() + v];
        }

        double probability(float[] z, int n, int c, int v) {
            int classes = classes();
            int voxels = voxels();
            double logit = z[(n * classes + c) * voxels + v];
            return switch (activation) {
                case NONE -> logit;
                case SIGMOID -> 1 / (1 + Math.exp(-logit));
                case SOFTMAX -> {
                    double sum = 0;
                    for (int k = 0; k < classes; k++) {
                        sum += Math.exp(z[(n * classes + k) * voxels + v] - logit);
                    }
                    yield 1 / sum;
                }
            };
        }

        @Override
        public String toString() {
            return "SmallProblem[shape=" + Arrays.toString(shape) + ", " + activation + ", " + kind
                    + (ignore ? ", ignore 255" : "") + ", seed=" + seed + "]";
        }
    }
}
