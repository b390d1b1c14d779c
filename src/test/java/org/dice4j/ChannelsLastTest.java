package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.testing.Bits;
import org.dice4j.testing.ChannelsLast;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Tolerances;
import org.junit.jupiter.api.Test;

/**
 * Channels-last tensors {@code (N, spatial…, C)}: the numbers of the reference on the channels-first tensor holding
 * the same values, over random shapes and options. The reference kernels read both layouts in the same order: bit for
 * bit. The vector kernels transpose channels-last chunks into the channels-first staging they always use, but with
 * at most 16 float32 classes a chunk gathers 16 voxels from each of 16 regions of its task (one region per lane)
 * instead of 256 consecutive voxels, so the statistics are summed in another order than on channels-first data.
 * Tolerance, that of the vector kernels against the reference: statistics within 1e-5 relative (plus 1e-30
 * absolute, {@code VectorStatisticsTest}), loss and terms within 1e-4 absolute + 1e-4 relative
 * ({@link LossVectorVsReferenceTest}), each gradient element within 1e-4 of the largest one ({@link TilingTest}: the
 * gradient follows the statistics through bounded coefficients). The long-image test compares the two layouts on the
 * default kernels: bits above 16 classes, where both read contiguous chunks.
 */
class ChannelsLastTest {
    /** The channels-last gradient read back in channels-first order, as raw bits. */
    private static int[] channelsFirstBits(MemorySegment channelsLast, long[] shape) {
        long images = shape[0];
        long classes = shape[1];
        long voxels = Arrays.stream(shape).reduce(1, Math::multiplyExact) / Math.max(1, images * classes);
        int[] bits = new int[(int) (images * classes * voxels)];
        for (long n = 0; n < images; n++) {
            for (long c = 0; c < classes; c++) {
                for (long v = 0; v < voxels; v++) {
                    bits[(int) ((n * classes + c) * voxels + v)] = Float.floatToRawIntBits(
                            channelsLast.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (n * voxels + v) * classes + c));
                }
            }
        }
        return bits;
    }

    /** Bits on the reference kernels, the tolerance above on the vector kernels. */
    private static void assertSameResult(double expected, double actual, double tolerance, String context) {
        if (tolerance == 0 ? Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)
                : !Tolerances.close(expected, actual, tolerance)) {
            throw new AssertionError("channels-first " + expected + ", channels-last " + actual + " in " + context);
        }
    }

    private static void assertSameStatistic(double expected, double actual, boolean exact, String context) {
        if (exact ? Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)
                : !(Math.abs(expected - actual) <= Tolerances.statisticBound(expected))
                        && !(Double.isNaN(expected) && Double.isNaN(actual))) {
            throw new AssertionError("channels-first " + expected + ", channels-last " + actual + " in " + context);
        }
    }

    /** The channels-last gradient against the channels-first one: bits, or within 1e-4 of the largest element. */
    private static void assertSameGradient(MemorySegment channelsFirst, MemorySegment channelsLast, long[] shape,
            boolean exact, String context) {
        int[] got = channelsFirstBits(channelsLast, shape);
        double largest = Tolerances.largestFinite(channelsFirst.asSlice(0, (long) got.length * Float.BYTES));
        for (int i = 0; i < got.length; i++) {
            int want = Float.floatToRawIntBits(channelsFirst.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            float wanted = Float.intBitsToFloat(want);
            float gotten = Float.intBitsToFloat(got[i]);
            boolean same = exact ? want == got[i]
                    : Tolerances.gradientClose(wanted, gotten, Tolerances.GRADIENT_OF_LARGEST, largest)
                            || wanted == gotten;
            if (!same) {
                throw new AssertionError("gradient element " + i + " (channels-first index): " + wanted
                        + " channels-first, " + gotten + " channels-last in " + context);
            }
        }
    }

    @Test
    void channelsLastGivesTheResultsOfChannelsFirstForwardAndBackward() {
        qt().withExamples(Examples.scaled(1, 2))
                .forAll(Problems.problems(), longs().all()).checkAssert((problem, optionSeed) -> {
            Instance instance = problem.instance();
            long[] shape = problem.shape();
            long[] lastShape = ChannelsLast.channelsLastShape(shape);
            DiceLoss chosen = Problems.randomLoss(problem, new SplittableRandom(optionSeed));
            // The oracle: the reference kernels on the channels-first tensor.
            DiceLoss reference = chosen.toBuilder().referenceKernels(true).build();
            for (DiceLoss loss : new DiceLoss[] {chosen, reference}) {
                try (Arena arena = Arena.ofConfined()) {
                    Tensor logits = Tensor.of(ChannelsLast.toChannelsLast(instance.logits(), arena), DType.FLOAT32,
                            lastShape)
                            .withLayout(Layout.CHANNELS_LAST);
                    Tensor target = instance.target().dtype() == DType.FLOAT32
                            ? Tensor.of(ChannelsLast.toChannelsLast(instance.target(), arena), DType.FLOAT32, lastShape)
                                    .withLayout(Layout.CHANNELS_LAST)
                            : ChannelsLast.labelMap(instance.target(), shape);
                    String context = problem + " " + loss;
                    boolean exact = !loss.kernelName().equals("vector");
                    double tolerance = exact ? 0 : Tolerances.LOSS;
                    LossResult first = reference.forward(instance.logits(), instance.target());
                    LossResult last = loss.forward(logits, target);
                    for (int row = 0; row < first.rows(); row++) {
                        for (int column = 0; column < first.columns(); column++) {
                            assertSameResult(first.term(row, column), last.term(row, column), tolerance,
                                    "term " + row + "," + column + " " + context);
                        }
                    }
                    for (String statistic : new String[] {"intersection", "predSum", "targetSum"}) {
                        Statistics a = first.statistics();
                        Statistics b = last.statistics();
                        double[][] x = statistic.equals("intersection") ? a.intersection()
                                : statistic.equals("predSum") ? a.predSum() : a.targetSum();
                        double[][] y = statistic.equals("intersection") ? b.intersection()
                                : statistic.equals("predSum") ? b.predSum() : b.targetSum();
                        for (int row = 0; row < x.length; row++) {
                            for (int column = 0; column < x[row].length; column++) {
                                assertSameStatistic(x[row][column], y[row][column], exact,
                                        statistic + " " + row + "," + column + " " + context);
                            }
                        }
                    }
                    if (loss.reduction() == Reduction.NONE) {
                        continue;
                    }
                    assertSameResult(first.loss(), last.loss(), tolerance, "loss " + context);
                    long elements = instance.logits().elementCount();
                    MemorySegment firstGradient = arena.allocate(Math.max(1, elements) * Float.BYTES, 4);
                    MemorySegment lastGradient = arena.allocate(Math.max(1, elements) * Float.BYTES, 4);
                    reference.forwardBackward(instance.logits(), instance.target(),
                            Tensor.of(firstGradient, DType.FLOAT32, shape));
                    loss.forwardBackward(logits, target, Tensor.of(lastGradient, DType.FLOAT32, lastShape)
                            .withLayout(Layout.CHANNELS_LAST));
                    assertSameGradient(firstGradient, lastGradient, shape, exact, context);
                }
            }
        });
    }

    /**
     * Long images on two threads, for class counts on both sides of the vector kernels' 16-class transpose: region
     * chunks of whole tasks and of a task's first voxels, the contiguous chunks after them, and the tensor's last
     * voxels, which must not be read or written past the segment.
     */
    @Test
    void channelsLastGivesTheResultsOfChannelsFirstOnLongImagesForEveryClassCount() {
        int images = 2;
        int voxels = 40_013;
        for (int classes : new int[] {2, 5, 14, 16, 17, 23}) {
            SplittableRandom random = new SplittableRandom(classes);
            float[] logits = new float[images * classes * voxels];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * 4);
            }
            byte[] labels = new byte[images * voxels];
            float[] dense = new float[logits.length];
            for (int n = 0; n < images; n++) {
                for (int v = 0; v < voxels; v++) {
                    int label = random.nextInt(classes);
                    labels[n * voxels + v] = (byte) label;
                    dense[(n * classes + label) * voxels + v] = 1f;
                }
            }
            long[] shape = {images, classes, voxels};
            long[] lastShape = ChannelsLast.channelsLastShape(shape);
            DiceLoss loss = DiceLoss.multiClass().toBuilder().threads(2).build();
            // Shared: a confined arena's segments keep the call on its own thread.
            try (Arena arena = Arena.ofShared()) {
                Tensor first = Tensor.of(logits, shape);
                Tensor last = Tensor.of(ChannelsLast.toChannelsLast(first, arena), DType.FLOAT32, lastShape)
                        .withLayout(Layout.CHANNELS_LAST);
                Tensor denseFirst = Tensor.of(dense, shape);
                Tensor denseLast = Tensor.of(ChannelsLast.toChannelsLast(denseFirst, arena), DType.FLOAT32, lastShape)
                        .withLayout(Layout.CHANNELS_LAST);
                Tensor labelMap = Tensor.ofUint8(labels, images, voxels);
                for (boolean labelTarget : new boolean[] {true, false}) {
                    String context = classes + " classes, " + (labelTarget ? "labels" : "dense");
                    MemorySegment firstGradient = arena.allocate((long) logits.length * Float.BYTES, 4);
                    MemorySegment lastGradient = arena.allocate((long) logits.length * Float.BYTES, 4);
                    double firstLoss = loss.forwardBackward(first, labelTarget ? labelMap : denseFirst,
                            Tensor.of(firstGradient, DType.FLOAT32, shape)).loss();
                    double lastLoss = loss.forwardBackward(last, labelTarget ? labelMap : denseLast,
                            Tensor.of(lastGradient, DType.FLOAT32, lastShape).withLayout(Layout.CHANNELS_LAST)).loss();
                    boolean exact = !loss.kernelName().equals("vector") || classes > 16;
                    assertSameResult(firstLoss, lastLoss, exact ? 0 : Tolerances.LOSS, context);
                    assertSameGradient(firstGradient, lastGradient, shape, exact, context);
                }
            }
        }
    }

    @Test
    void aLabelMapMayCarryASingletonChannelAxisLast() {
        // (1, 2, 3, C = 2) logits against labels (1, 2, 3) and (1, 2, 3, 1).
        float[] logits = {2f, -1f, 0f, 0.5f, -3f, 1f, 0.25f, 0.25f, 4f, -4f, -1f, 2f};
        byte[] labels = {0, 1, 0, 1, 0, 1};
        Tensor z = Tensor.of(logits, 1, 2, 3, 2).withLayout(Layout.CHANNELS_LAST);
        DiceLoss loss = DiceLoss.builder().build();
        double plain = loss.forward(z, Tensor.ofUint8(labels, 1, 2, 3)).loss();
        assertEquals(plain, loss.forward(z, Tensor.ofUint8(labels, 1, 2, 3, 1)).loss());
        String message = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(z, Tensor.ofUint8(labels, 1, 1, 2, 3))).getMessage();
        assertEquals("target: a UINT8 label map must have shape [1, 2, 3] or [1, 2, 3, 1], got [1, 1, 2, 3]", message);
        String dense = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(z, Tensor.of(new float[12], 1, 2, 3, 2))).getMessage();
        assertTrue(dense.startsWith("target: a dense float32 target must have the logits' shape [1, 2, 3, 2]"
                + " CHANNELS_LAST, got [1, 2, 3, 2] CHANNELS_FIRST"), dense);
        String gradient = assertThrows(IllegalArgumentException.class,
                () -> loss.forwardBackward(z, Tensor.ofUint8(labels, 1, 2, 3), Tensor.of(new float[12], 1, 2, 3, 2)))
                .getMessage();
        assertTrue(gradient.startsWith("gradient: expected the logits' shape [1, 2, 3, 2] CHANNELS_LAST"), gradient);
    }

    /**
     * Region chunks meet voxel 3·1024 + 3 (region 3's first chunk) before voxel 100 (region 0's seventh): the error
     * still names the first bad label in voxel order, for every label type, forward and forward+backward.
     */
    @Test
    void regionChunksNameTheFirstBadLabelInVoxelOrder() {
        int voxels = 20_000;
        int classes = 3;
        Tensor logits = Tensor.of(new float[voxels * classes], 1, voxels, classes).withLayout(Layout.CHANNELS_LAST);
        Tensor gradient = Tensor.of(new float[voxels * classes], 1, voxels, classes).withLayout(Layout.CHANNELS_LAST);
        byte[] bytes = new byte[voxels];
        int[] ints = new int[voxels];
        long[] longs = new long[voxels];
        for (int[] bad : new int[][] {{100, 5}, {3 * 1024 + 3, 6}}) {
            bytes[bad[0]] = (byte) bad[1];
            ints[bad[0]] = bad[1];
            longs[bad[0]] = bad[1];
        }
        DiceLoss loss = DiceLoss.multiClass();
        for (Tensor labels : new Tensor[] {Tensor.ofUint8(bytes, 1, voxels), Tensor.of(ints, 1, voxels),
                Tensor.of(longs, 1, voxels)}) {
            for (boolean backward : new boolean[] {false, true}) {
                String message = assertThrows(IllegalArgumentException.class, () -> {
                    if (backward) {
                        loss.lossValueAndGradient(logits, labels, gradient);
                    } else {
                        loss.lossValue(logits, labels);
                    }
                }).getMessage();
                assertEquals("target: label 5 at image 0, voxel 100 (spatial index [100]) is not in [0, 3)", message,
                        labels.dtype() + (backward ? " forward+backward" : " forward"));
            }
        }
    }

    @Test
    void aLabelOutOfRangeNamesItsSpatialIndexInAChannelsLastTensor() {
        float[] logits = new float[2 * 3 * 2];
        byte[] labels = {0, 1, 0, 1, 7, 1};
        String message = assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().build()
                .forward(Tensor.of(logits, 1, 2, 3, 2).withLayout(Layout.CHANNELS_LAST), Tensor.ofUint8(labels, 1, 2, 3)))
                .getMessage();
        assertEquals("target: label 7 at image 0, voxel 4 (spatial index [1, 1]) is not in [0, 2)", message);
    }
}
