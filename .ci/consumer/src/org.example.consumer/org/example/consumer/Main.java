package org.example.consumer;

import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.DiceMetric;
import org.dice4j.LossResult;
import org.dice4j.Statistics;
import org.dice4j.Tensor;

/** Uses dice4j from the module path as a library user would, and checks what it gets; exits 1 on a wrong value. */
public final class Main {
    private static final int IMAGES = 2;
    private static final int CLASSES = 3;
    private static final int VOXELS = 37;

    public static void main(String[] args) {
        binaryAgainstTheFormula();
        multiClassForwardBackward();
        optionsAndStatisticsFromAnotherModule();
        System.out.println("consumer: ok");
    }

    /** DiceLoss.binary(): mean over images of 1 − (2I + 1) / (P + G + 1), recomputed here in double. */
    private static void binaryAgainstTheFormula() {
        float[] logits = new float[IMAGES * VOXELS];
        float[] mask = new float[IMAGES * VOXELS];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(0.7 * i) * 4;
            mask[i] = i % 3 == 0 ? 1 : 0;
        }
        double loss = DiceLoss.binary()
                .forward(Tensor.of(logits, IMAGES, 1, VOXELS), Tensor.of(mask, IMAGES, 1, VOXELS)).loss();
        double expected = 0;
        for (int n = 0; n < IMAGES; n++) {
            double intersection = 0, predSum = 0, targetSum = 0;
            for (int v = n * VOXELS; v < (n + 1) * VOXELS; v++) {
                double p = 1 / (1 + Math.exp(-logits[v]));
                intersection += p * mask[v];
                predSum += p;
                targetSum += mask[v];
            }
            expected += (1 - (2 * intersection + 1) / (predSum + targetSum + 1)) / IMAGES;
        }
        check("binary loss", Math.abs(loss - expected) <= 1e-6, loss + " vs the formula's " + expected);
    }

    /** DiceLoss.multiClass() on a label map: the same loss with and without the gradient, Σ_c ∂L/∂z_c = 0. */
    private static void multiClassForwardBackward() {
        float[] logits = new float[IMAGES * CLASSES * VOXELS];
        byte[] labels = new byte[IMAGES * VOXELS];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.cos(1.3 * i) * 3;
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % CLASSES);
        }
        Tensor z = Tensor.of(logits, IMAGES, CLASSES, VOXELS);
        Tensor y = Tensor.ofUint8(labels, IMAGES, VOXELS);
        float[] gradient = new float[logits.length];
        DiceLoss loss = DiceLoss.multiClass();
        double forward = loss.forward(z, y).loss();
        LossResult withGradient = loss.forwardBackward(z, y, Tensor.of(gradient, IMAGES, CLASSES, VOXELS));
        check("multi-class loss", forward == withGradient.loss() && forward > 0 && forward < 1,
                forward + " and " + withGradient.loss());
        double largest = 0;
        for (int n = 0; n < IMAGES; n++) {
            for (int v = 0; v < VOXELS; v++) {
                double channelSum = 0;
                for (int c = 0; c < CLASSES; c++) {
                    float g = gradient[(n * CLASSES + c) * VOXELS + v];
                    check("gradient", Float.isFinite(g), "element " + g);
                    channelSum += g;
                    largest = Math.max(largest, Math.abs(g));
                }
                check("softmax gradient", Math.abs(channelSum) <= 1e-6, "channel sum " + channelSum);
            }
        }
        check("gradient", largest > 0, "all zero");
    }

    private static void check(String what, boolean holds, String detail) {
        if (!holds) {
            System.err.println("consumer: wrong " + what + ": " + detail);
            System.exit(1);
        }
    }

    /**
     * The builders' shared setters and the losses' shared accessors (declared in a package-private class of the
     * library) and the statistics' all-reduce work from another module: two halves of a batch give its loss.
     */
    private static void optionsAndStatisticsFromAnotherModule() {
        DiceLoss loss = DiceLoss.builder().activation(Activation.SOFTMAX).threads(2).ignoreIndex(7).clearIgnoreIndex()
                .build();
        check("accessors", loss.threads() == 2 && loss.ignoreIndex().isEmpty()
                && loss.toString().startsWith("DiceLoss[activation=SOFTMAX,"), loss.toString());
        float[] logits = new float[IMAGES * CLASSES * VOXELS];
        byte[] labels = new byte[IMAGES * VOXELS];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(0.3 * i);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) ((i / 5) % CLASSES);
        }
        double whole = loss.forward(Tensor.of(logits, IMAGES, CLASSES, VOXELS), Tensor.ofUint8(labels, IMAGES, VOXELS))
                .loss();
        Statistics sum = null;
        for (int n = 0; n < IMAGES; n++) {
            float[] imageLogits = java.util.Arrays.copyOfRange(logits, n * CLASSES * VOXELS, (n + 1) * CLASSES * VOXELS);
            byte[] imageLabels = java.util.Arrays.copyOfRange(labels, n * VOXELS, (n + 1) * VOXELS);
            Statistics mine = loss.accumulator(IMAGES, CLASSES).add(Tensor.of(imageLogits, 1, CLASSES, VOXELS),
                    Tensor.ofUint8(imageLabels, 1, VOXELS), n).statistics();
            sum = sum == null ? mine : sum.plus(mine);
        }
        check("all-reduced loss", loss.loss(sum).loss() == whole, loss.loss(sum).loss() + " vs " + whole);
        double meanDice = DiceMetric.builder().numClasses(CLASSES).build()
                .compute(Tensor.ofUint8(labels, IMAGES, VOXELS), Tensor.ofUint8(labels, IMAGES, VOXELS)).meanDice();
        check("meanDice", meanDice == 1.0, "a prediction equal to its target: " + meanDice);
    }
}
