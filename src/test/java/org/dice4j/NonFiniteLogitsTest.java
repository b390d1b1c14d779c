package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * NaN logits (and +∞ under a softmax) propagate to the statistics, terms and gradient of their own image, as in
 * every framework, and leave the other images' numbers finite; ±∞ with a limit (σ(±∞), a softmax's −∞) give that
 * limit. Nothing hangs or throws. Both kernels, softmax and sigmoid, with
 * sizes that use the vector body and the scalar tail.
 */
class NonFiniteLogitsTest {

    @Test
    void aNonFiniteLogitSpoilsOnlyItsOwnImage() {
        int voxels = 4099; // vector chunks and a scalar tail
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (Activation activation : new Activation[] {Activation.SOFTMAX, Activation.SIGMOID}) {
                for (int position : new int[] {17, voxels - 1}) { // in the vector part, in the tail
                    for (boolean reference : new boolean[] {false, true}) {
                        check(bad, activation, position, voxels, reference);
                    }
                }
            }
        }
    }

    private static void check(float bad, Activation activation, int position, int voxels, boolean reference) {
        int classes = 3;
        float[] logits = new float[2 * classes * voxels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i * 0.3) * 3;
        }
        logits[(classes + 1) * voxels + position] = bad; // image 1, class 1
        float[] target = new float[logits.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = i % 5 == 0 ? 1 : 0;
        }
        DiceLoss loss = DiceLoss.builder().activation(activation).reduction(Reduction.NONE).referenceKernels(reference)
                .build();
        float[] gradient = new float[logits.length];
        LossResult result = loss.forwardBackward(Tensor.of(logits, 2, classes, voxels), Tensor.of(target, 2, classes, voxels),
                Tensor.of(gradient, 2, classes, voxels), new double[][] {{1, 1, 1}, {1, 1, 1}});
        String context = bad + " at voxel " + position + ", " + activation + (reference ? ", reference" : ", vector");
        for (int c = 0; c < classes; c++) {
            assertFalse(Double.isNaN(result.term(0, c)), "image 0 stays finite: " + context);
        }
        // NaN, and +∞ under a softmax (∞ − max(…) = ∞ − ∞), have no limit: NaN in the image's sums. ±∞ under a sigmoid
        // and −∞ under a softmax are the limits p = 1 or 0: finite results.
        boolean undefined = Float.isNaN(bad) || (activation == Activation.SOFTMAX && bad > 0);
        assertTrue(undefined == Double.isNaN(result.statistics().predSum(1, 1)),
                "image 1's prediction sum " + result.statistics().predSum(1, 1) + ": " + context);
        for (int i = 0; i < classes * voxels; i++) {
            assertTrue(Float.isFinite(gradient[i]), "image 0's gradient stays finite at " + i + ": " + context);
        }
    }
}
