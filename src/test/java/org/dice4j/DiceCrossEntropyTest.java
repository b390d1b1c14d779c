package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Dice + cross-entropy (docs/semantics.md, "Dice + cross-entropy"): {@code L = λ_dice·L_dice + λ_ce·L_ce}, the cross-entropy the
 * mean over unmasked voxels (softmax) or elements (sigmoid), written out by hand on small problems; on the default
 * kernels (vector when present) and on the reference. Each hand-written pattern of a few voxels is repeated
 * {@link #REPEAT} times along the voxel axis (means are unchanged), so that the vector kernels' cross-entropy stages
 * run on it, not only their scalar tail.
 */
class DiceCrossEntropyTest {
    static final int REPEAT = 16;

    /** Channels-first {@code values} of {@code classes} planes, each plane's voxels repeated REPEAT times. */
    static float[] repeated(float[] values, int classes) {
        int voxels = values.length / classes;
        float[] out = new float[values.length * REPEAT];
        for (int c = 0; c < classes; c++) {
            for (int r = 0; r < REPEAT; r++) {
                System.arraycopy(values, c * voxels, out, (c * REPEAT + r) * voxels, voxels);
            }
        }
        return out;
    }

    static byte[] repeated(byte[] labels) {
        byte[] out = new byte[labels.length * REPEAT];
        for (int r = 0; r < REPEAT; r++) {
            System.arraycopy(labels, 0, out, r * labels.length, labels.length);
        }
        return out;
    }

    private static Tensor logits() {
        return Tensor.of(repeated(LOGITS, 3), 1, 3, 4 * REPEAT);
    }

    private static Tensor labels() {
        return Tensor.ofUint8(repeated(LABELS), 1, 4 * REPEAT);
    }
    // One image, three classes, four voxels (channels-first); labels with 255 ignored at voxel 3.
    private static final float[] LOGITS = {
        2f, -1f, 0.5f, 40f, /* class 0 */ 0f, 3f, 0.5f, -40f, /* class 1 */ -2f, 0f, 0.5f, 7f /* class 2 */ };
    private static final byte[] LABELS = {0, 2, 1, (byte) 255};

    private static double logit(int c, int v) {
        return LOGITS[c * 4 + v];
    }

    /** −ln p_label of voxel v, in double: (max − z_label) + ln Σ e^(z − max). */
    private static double crossEntropy(int v, int label) {
        double max = Math.max(logit(0, v), Math.max(logit(1, v), logit(2, v)));
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            sum += Math.exp(logit(c, v) - max);
        }
        return (max - logit(label, v)) + Math.log(sum);
    }

    private static DiceLoss.Builder softmax() {
        return DiceLoss.builder().activation(Activation.SOFTMAX).ignoreIndex(255);
    }

    @Test
    void theSoftmaxCrossEntropyIsTheMeanOverUnmaskedVoxelsOfMinusLnP() {
        double expected = (crossEntropy(0, 0) + crossEntropy(1, 2) + crossEntropy(2, 1)) / 3;
        for (boolean reference : new boolean[] {false, true}) {
            LossResult result = softmax().lambdaCrossEntropy(1).referenceKernels(reference).build()
                    .forward(logits(), labels());
            assertEquals(expected, result.crossEntropy(), 1e-6);
            assertEquals(3 * REPEAT, result.statistics().countedVoxels(0));
        }
    }

    @Test
    void theLossIsLambdaDiceTimesDicePlusLambdaCeTimesCrossEntropy() {
        Tensor logits = logits();
        Tensor labels = labels();
        double dice = softmax().build().forward(logits, labels).loss();
        LossResult combined = softmax().lambdaDice(0.75).lambdaCrossEntropy(2.5).build().forward(logits, labels);
        assertEquals(dice, combined.diceLoss(), 1e-12);
        assertEquals(0.75 * dice + 2.5 * combined.crossEntropy(), combined.loss(), 1e-12);
        assertTrue(Double.isNaN(softmax().build().forward(logits, labels).crossEntropy()), "no cross-entropy part");
    }

    @Test
    void theCrossEntropyIsFiniteAndExactForLogitsOfPlusMinusOneHundred() {
        // Two classes, two voxels: logits (100, −100) and (−100, 100), labels 1 and 1: −ln p = 200 and ≈ 0.
        float[] logits = repeated(new float[] {100f, -100f, -100f, 100f}, 2);
        long[] labels = new long[2 * REPEAT];
        Arrays.fill(labels, 1);
        for (boolean reference : new boolean[] {false, true}) {
            LossResult softmax = DiceLoss.builder().activation(Activation.SOFTMAX).lambdaCrossEntropy(1)
                    .referenceKernels(reference).build()
                    .forward(Tensor.of(logits, 1, 2, 2 * REPEAT), Tensor.of(labels, 1, 2 * REPEAT));
            assertEquals(100, softmax.crossEntropy(), 1e-9);
            // Sigmoid, one channel: BCE of z = 100, g = 0 is 100; of z = −100, g = 0 is ≈ 0 (e^−100).
            LossResult sigmoid = DiceLoss.builder().activation(Activation.SIGMOID).lambdaCrossEntropy(1)
                    .referenceKernels(reference).build()
                    .forward(Tensor.of(repeated(new float[] {100f, -100f}, 1), 1, 1, 2 * REPEAT),
                            Tensor.of(new float[2 * REPEAT], 1, 1, 2 * REPEAT));
            assertEquals(50, sigmoid.crossEntropy(), 1e-9);
        }
    }

    private static final float HUGE = 1e20f;
    private static final float HUGE_NEXT = Math.nextUp(HUGE);

    /**
     * Three classes' logits of one voxel: huge and equal, or huge with ties at the maximum and the others at least one
     * float step (8.8e12 at 1e20) below it, so that every e^(z − max) is 1 or 0 in double.
     */
    private static final float[][] HUGE_VOXELS = {
        {HUGE, HUGE, HUGE}, {-HUGE, -HUGE, -HUGE}, {1e30f, 1e30f, 1e30f}, {-1e30f, -1e30f, -1e30f},
        {HUGE_NEXT, HUGE_NEXT, HUGE}, {HUGE, HUGE_NEXT, -1e30f}, {1e30f, -1e30f, 1e30f}};

    @Test
    void hugeLogitsGiveTheirDistanceToTheMaximumPlusLnOfTheTiesOnEveryPath() {
        // One voxel (the scalar path alone) and 4099 (the vector body and a tail of 3 for 4, 8 or 16 lanes).
        for (float[] voxel : HUGE_VOXELS) {
            double max = Math.max(voxel[0], Math.max(voxel[1], voxel[2]));
            int ties = (voxel[0] == max ? 1 : 0) + (voxel[1] == max ? 1 : 0) + (voxel[2] == max ? 1 : 0);
            for (int label = 0; label < 3; label++) {
                // −ln p_y = (max − z_y) + ln Σ e^(z − max), and the sum is the number of classes at the maximum.
                double expected = (max - voxel[label]) + Math.log(ties);
                for (int voxels : new int[] {1, 4099}) {
                    for (boolean dense : new boolean[] {false, true}) {
                        for (boolean reference : new boolean[] {false, true}) {
                            double actual = repeatedVoxelCrossEntropy(voxel, label, voxels, dense, reference);
                            assertEquals(expected, actual, 1e-6 + 1e-6 * expected, Arrays.toString(voxel) + " label "
                                    + label + ", " + voxels + " voxels" + (dense ? ", dense" : ", labels")
                                    + (reference ? ", reference" : ", default kernels"));
                        }
                    }
                }
            }
        }
    }

    /** The softmax cross-entropy of {@code voxels} copies of one voxel's logits and label (or its one-hot target). */
    private static double repeatedVoxelCrossEntropy(float[] voxel, int label, int voxels, boolean dense,
            boolean reference) {
        float[] logits = new float[3 * voxels];
        float[] oneHot = new float[3 * voxels];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(logits, c * voxels, (c + 1) * voxels, voxel[c]);
        }
        Arrays.fill(oneHot, label * voxels, (label + 1) * voxels, 1f);
        long[] labels = new long[voxels];
        Arrays.fill(labels, label);
        Tensor target = dense ? Tensor.of(oneHot, 1, 3, voxels) : Tensor.of(labels, 1, voxels);
        return DiceLoss.builder().activation(Activation.SOFTMAX).lambdaCrossEntropy(1).referenceKernels(reference)
                .build().forward(Tensor.of(logits, 1, 3, voxels), target).crossEntropy();
    }

    @Test
    void theSigmoidCrossEntropyIsTheMeanOverElementsOfTheStableBinaryCrossEntropy() {
        // Two channels (multi-label), three voxels, soft dense targets.
        float[] logits = {1.5f, -0.25f, 3f, -2f, 0f, 0.75f};
        float[] target = {1f, 0.3f, 0f, 0.6f, 1f, 0f};
        double expected = 0;
        for (int i = 0; i < logits.length; i++) {
            double z = logits[i];
            double g = target[i];
            // −g·ln σ(z) − (1 − g)·ln(1 − σ(z)), written the obvious way (fine for these small logits).
            double p = 1 / (1 + Math.exp(-z));
            expected += -g * Math.log(p) - (1 - g) * Math.log(1 - p);
        }
        expected /= logits.length;
        for (boolean reference : new boolean[] {false, true}) {
            LossResult result = DiceLoss.builder().activation(Activation.SIGMOID).lambdaCrossEntropy(1)
                    .referenceKernels(reference).build().forward(Tensor.of(repeated(logits, 2), 1, 2, 3 * REPEAT),
                            Tensor.of(repeated(target, 2), 1, 2, 3 * REPEAT));
            assertEquals(expected, result.crossEntropy(), 1e-6);
        }
    }

    @Test
    void theCrossEntropyGradientOfAnOnlyTermIsPMinusGOverTheUnmaskedVoxels() {
        // λ_dice = 0: ∂L/∂z_c = (p_c − g_c)/M at unmasked voxels, 0 at the ignored one.
        float[] gradient = new float[LOGITS.length * REPEAT];
        for (boolean reference : new boolean[] {false, true}) {
            softmax().lambdaDice(0).lambdaCrossEntropy(1).referenceKernels(reference).build().forwardBackward(
                    logits(), labels(), Tensor.of(gradient, 1, 3, 4 * REPEAT));
            for (int v = 0; v < 4 * REPEAT; v++) {
                double max = Math.max(logit(0, v % 4), Math.max(logit(1, v % 4), logit(2, v % 4)));
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += Math.exp(logit(c, v % 4) - max);
                }
                for (int c = 0; c < 3; c++) {
                    double p = Math.exp(logit(c, v % 4) - max) / sum;
                    double expected = v % 4 == 3 ? 0 : (p - (LABELS[v % 4] == c ? 1 : 0)) / (3.0 * REPEAT);
                    assertEquals(expected, gradient[c * 4 * REPEAT + v], 1e-8, "class " + c + ", voxel " + v);
                }
            }
        }
    }

    @Test
    void anAllMaskedBatchHasCrossEntropyZeroAndGradientZero() {
        byte[] ignored = new byte[4 * REPEAT];
        Arrays.fill(ignored, (byte) 255);
        float[] gradient = new float[LOGITS.length * REPEAT];
        Arrays.fill(gradient, Float.NaN);
        LossResult result = softmax().lambdaDice(0).lambdaCrossEntropy(1).build().forwardBackward(
                logits(), Tensor.ofUint8(ignored, 1, 4 * REPEAT), Tensor.of(gradient, 1, 3, 4 * REPEAT));
        assertEquals(0, result.crossEntropy());
        assertEquals(0, result.loss());
        for (float value : gradient) {
            assertEquals(0f, value);
        }
    }

    @Test
    void crossEntropyNeedsLogitsAndAScalarReduction() {
        String activation = assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder()
                .activation(Activation.NONE).lambdaCrossEntropy(1).build()).getMessage();
        assertTrue(activation.contains("lambdaCrossEntropy") && activation.contains("NONE"), activation);
        String reduction = assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder()
                .reduction(Reduction.NONE).lambdaCrossEntropy(1).build()).getMessage();
        assertTrue(reduction.startsWith("reduction: NONE"), reduction);
        String negative = assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder()
                .lambdaCrossEntropy(-1)).getMessage();
        assertTrue(negative.startsWith("lambdaCrossEntropy: expected a finite value ≥ 0, got -1.0"), negative);
        assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().lambdaDice(Double.NaN));
    }
}
