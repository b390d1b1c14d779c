package org.dice4j.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import org.dice4j.DiceLoss;
import org.dice4j.Tensor;

/** A MONAI DiceCELoss case: {@code dice}'s loss plus {@code crossEntropy}'s on the same inputs, both kernels. */
record DiceCrossEntropyRun(LossRun dice, DiceLoss crossEntropy) implements Plan {

    void check(String id) {
        for (boolean reference : new boolean[] {false, true}) {
            DiceLoss diceLoss = dice.loss().toBuilder().referenceKernels(reference).build();
            DiceLoss crossEntropyLoss = crossEntropy.toBuilder().referenceKernels(reference).build();
            for (Tensor target : dice.targetVariants()) {
                double actual = diceLoss.forward(dice.logits(), target).loss()
                        + crossEntropyLoss.forward(dice.logits(), target).loss();
                double expected = dice.expected()[0];
                double bound = dice.tolerance().bound(expected);
                if (!(Math.abs(actual - expected) <= bound)) {
                    fail(id + " on " + diceLoss.kernelName() + " kernels, " + diceLoss + " + " + crossEntropyLoss
                            + ", target " + target + ": expected " + expected + " but was " + actual);
                }
            }
        }
    }
}
