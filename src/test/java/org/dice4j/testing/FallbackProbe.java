package org.dice4j.testing;

import java.util.SplittableRandom;
import org.dice4j.DiceLoss;
import org.dice4j.LossResult;
import org.dice4j.Reduction;
import org.dice4j.Tensor;

/** Run in a child JVM by {@code ScalarFallbackTest} (and others): prints the kernels in use and the terms of a fixed problem. */
public final class FallbackProbe {
    private FallbackProbe() {}

    /** A fixed softmax problem with a uint8 label map: 2 images, 5 classes, 37 × 29 voxels. */
    public static LossResult run(DiceLoss loss) {
        SplittableRandom random = new SplittableRandom(2024);
        float[] logits = new float[2 * 5 * 37 * 29];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
        byte[] labels = new byte[2 * 37 * 29];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) random.nextInt(5);
        }
        return loss.forward(Tensor.of(logits, 2, 5, 37, 29), Tensor.ofUint8(labels, 2, 37, 29));
    }

    public static DiceLoss loss() {
        return DiceLoss.builder().reduction(Reduction.NONE).build();
    }

    public static void main(String[] args) {
        DiceLoss loss = loss();
        run(loss);
        LossResult result = run(loss);
        System.out.println("kernels=" + loss.kernelName());
        for (int n = 0; n < result.rows(); n++) {
            for (int c = 0; c < result.columns(); c++) {
                System.out.println("term " + n + " " + c + " " + result.term(n, c));
            }
        }
    }
}
