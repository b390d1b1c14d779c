package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.dice4j.testing.Bits;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Tolerances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same bits for any thread count: loss, terms, statistics and gradient with 1, 2, 3 and 7 threads are
 * identical (raw bits compared), over random problems and options, on a pool with 7 workers, and the terms are
 * within the reference's tolerance; a confined arena changes nothing but who does the work (interrupts and rejecting
 * executors: CancellationTest).
 */
class ParallelDeterminismTest {
    private static ForkJoinPool pool;

    @BeforeAll
    static void startPool() {
        pool = new ForkJoinPool(7);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void resultsHaveTheSameBitsForOneTwoThreeAndSevenThreads() {
        qt().withExamples(Examples.scaled(1, 3))
                .forAll(Problems.problems(), integers().all()).checkAssert((problem, optionSeed) -> {
            Instance instance = problem.instance();
            DiceLoss loss = Problems.randomLoss(problem, new SplittableRandom(optionSeed));
            double[][] upstream = null;
            float[] expectedGradient = null;
            LossResult expected = null;
            for (int threads : new int[] {1, 2, 3, 7}) {
                DiceLoss parallel = loss.toBuilder().threads(threads).executor(pool).build();
                float[] gradient = new float[(int) instance.logits().elementCount()];
                Tensor gradientTensor = Tensor.of(gradient, problem.shape());
                LossResult result;
                if (loss.reduction() == Reduction.NONE) {
                    if (upstream == null) {
                        LossResult shape = loss.forward(instance.logits(), instance.target());
                        upstream = new double[shape.rows()][shape.columns()];
                        for (double[] row : upstream) {
                            Arrays.fill(row, 0.5);
                        }
                    }
                    result = parallel.forwardBackward(instance.logits(), instance.target(), gradientTensor, upstream);
                } else {
                    result = parallel.forwardBackward(instance.logits(), instance.target(), gradientTensor);
                }
                if (expected == null) {
                    expected = result;
                    expectedGradient = gradient;
                    continue;
                }
                if (threads == 7) {
                    // And within the tolerance of LossVectorVsReferenceTest of the double reference.
                    LossResult reference = loss.toBuilder().referenceKernels(true).build()
                            .forward(instance.logits(), instance.target());
                    for (int row = 0; row < reference.rows(); row++) {
                        for (int column = 0; column < reference.columns(); column++) {
                            double want = reference.term(row, column);
                            double got = result.term(row, column);
                            if (!Tolerances.close(want, got, Tolerances.LOSS)) {
                                throw new AssertionError("term " + row + "," + column + ": reference " + want
                                        + ", 7 threads " + got + " in " + problem + " " + parallel);
                            }
                        }
                    }
                }
                String context = problem + " " + parallel;
                assertEquals(Bits.hex(expected.terms()), Bits.hex(result.terms()), context + ": terms");
                assertEquals(Bits.hex(expected.statistics().intersection()),
                        Bits.hex(result.statistics().intersection()), context);
                assertEquals(Bits.hex(expected.statistics().predSum()), Bits.hex(result.statistics().predSum()),
                        context);
                for (int i = 0; i < gradient.length; i++) {
                    if (Float.floatToRawIntBits(expectedGradient[i]) != Float.floatToRawIntBits(gradient[i])) {
                        throw new AssertionError("gradient element " + i + ": " + expectedGradient[i] + " with one thread, "
                                + gradient[i] + " with " + threads + " in " + context);
                    }
                }
            }
        });
    }

    @Test
    void segmentsOfAConfinedArenaAreReadOnTheCallingThreadWithTheSameBits() {
        Instance instance = new Problems.Problem(new long[] {3, 4, 40_000}, Activation.SOFTMAX,
                Problems.TargetKind.UINT8, Problems.IgnoreMode.NONE, false, 7).instance();
        DiceLoss loss = DiceLoss.builder().build();
        float[] expected = new float[(int) instance.logits().elementCount()];
        double sequential = loss.lossValueAndGradient(instance.logits(), instance.target(),
                Tensor.of(expected, 3, 4, 40_000));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment logits = arena.allocate(instance.logits().byteSize())
                    .copyFrom(instance.logits().segment().asSlice(0, instance.logits().byteSize()));
            java.lang.foreign.MemorySegment gradient = arena.allocate(instance.logits().byteSize());
            double parallel = loss.toBuilder().threads(4).executor(pool).build().lossValueAndGradient(
                    Tensor.of(logits, DType.FLOAT32, 3, 4, 40_000), instance.target(),
                    Tensor.of(gradient, DType.FLOAT32, 3, 4, 40_000));
            assertEquals(Double.doubleToRawLongBits(sequential), Double.doubleToRawLongBits(parallel));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]),
                        Float.floatToRawIntBits(gradient.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i)));
            }
        }
    }

    /**
     * With several bad labels, every path names the same one on any number of threads: the first in image order (each
     * image's vector part, then its last S mod lanes voxels), before any write. Forward+backward checks the labels in
     * a pass of their own; the forward and the channels-last paths meet them in the statistics pass.
     */
    @Test
    void theLabelReportedOutOfRangeIsTheSameForAnyThreadCount() {
        int images = 2;
        int classes = 3;
        int voxels = 40_013;
        byte[] labels = new byte[images * voxels];
        labels[40_005] = 9; // image 0, in its scalar tail
        labels[voxels + 100] = 7; // image 1, early in its vector part
        labels[20_000] = 5; // image 0, in its second task
        float[] logits = new float[images * classes * voxels];
        for (int threads : new int[] {1, 2, 7}) {
            float[] gradient = new float[logits.length];
            java.util.Arrays.fill(gradient, 42f);
            DiceLoss loss = DiceLoss.multiClass().toBuilder().threads(threads).executor(pool).build();
            IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> loss.lossValueAndGradient(Tensor.of(logits, images, classes,
                            voxels), Tensor.ofUint8(labels, images, voxels), Tensor.of(gradient, images, classes, voxels)));
            assertEquals("target: label 5 at image 0, voxel 20000 (spatial index [20000]) is not in [0, 3)", error.getMessage(),
                    threads + " threads");
            for (float value : gradient) {
                assertEquals(42f, value, "the gradient is left untouched");
            }
        }
        labels[20_000] = 0;
        for (int threads : new int[] {1, 2, 7}) {
            DiceLoss loss = DiceLoss.multiClass().toBuilder().threads(threads).executor(pool).build();
            Tensor channelsLast = Tensor.of(logits, images, voxels, classes).withLayout(Layout.CHANNELS_LAST);
            java.util.List<org.junit.jupiter.api.function.Executable> calls = java.util.List.of(
                    () -> loss.lossValueAndGradient(Tensor.of(logits, images, classes, voxels),
                            Tensor.ofUint8(labels, images, voxels), Tensor.of(new float[logits.length], images,
                                    classes, voxels)),
                    () -> loss.lossValue(Tensor.of(logits, images, classes, voxels),
                            Tensor.ofUint8(labels, images, voxels)),
                    () -> loss.lossValueAndGradient(channelsLast, Tensor.ofUint8(labels, images, voxels),
                            Tensor.of(new float[logits.length], images, voxels, classes)
                                    .withLayout(Layout.CHANNELS_LAST)));
            for (int call = 0; call < calls.size(); call++) {
                IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, calls.get(call));
                assertEquals("target: label 9 at image 0, voxel 40005 (spatial index [40005]) is not in [0, 3)",
                        error.getMessage(), "call " + call + ", " + threads + " threads");
            }
        }
    }
}
