package org.dice4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.LossResult;
import org.dice4j.Tensor;

/**
 * A reproduced loss case: the loss, its inputs, and the expected values with their tolerance; with
 * {@code expectedGradient} (row-major, the logits' shape), also ∂loss/∂logits within the same tolerance.
 */
record LossRun(DiceLoss loss, Tensor logits, Tensor target, Observe observe, double[] expected,
        Tolerance tolerance, double[] expectedGradient) implements Plan {

    LossRun(DiceLoss loss, Tensor logits, Tensor target, Observe observe, double[] expected, Tolerance tolerance) {
        this(loss, logits, target, observe, expected, tolerance, null);
    }

    /** Asserts the case on the default and the scalar reference kernels, for every form of the target. */
    void check(String id) {
        DiceLoss reference = loss.toBuilder().referenceKernels(true).build();
        for (Tensor variant : targetVariants()) {
            assertAgainst(id, loss, variant);
            assertAgainst(id, reference, variant);
            if (expectedGradient != null) {
                assertGradient(id, loss, variant);
                assertGradient(id, reference, variant);
            }
        }
    }

    private void assertGradient(String id, DiceLoss candidate, Tensor targetVariant) {
        float[] gradient = new float[(int) logits.elementCount()];
        candidate.forwardBackward(logits, targetVariant, Tensor.of(gradient, logits.shape()));
        String context = id + " gradient on " + candidate.kernelName() + " kernels, " + candidate + ", target "
                + targetVariant + " within " + tolerance;
        assertEquals(expectedGradient.length, gradient.length, context + ": number of values");
        for (int i = 0; i < gradient.length; i++) {
            double bound = tolerance.bound(expectedGradient[i]);
            if (!(Math.abs(gradient[i] - expectedGradient[i]) <= bound)) {
                fail(context + ": element " + i + " expected " + expectedGradient[i] + " but was " + gradient[i]
                        + "\nexpected " + Arrays.toString(expectedGradient) + "\nactual   "
                        + Arrays.toString(gradient));
            }
        }
    }

    /** The target as built, and a label map also as int32 and (when its labels fit) uint8. */
    List<Tensor> targetVariants() {
        if (target.dtype() != DType.INT64) {
            return List.of(target);
        }
        long[] labels = target.segment().toArray(ValueLayout.JAVA_LONG);
        int[] asInt = new int[labels.length];
        byte[] asByte = new byte[labels.length];
        boolean fitsByte = true;
        for (int i = 0; i < labels.length; i++) {
            asInt[i] = Math.toIntExact(labels[i]);
            asByte[i] = (byte) labels[i];
            fitsByte &= labels[i] >= 0 && labels[i] <= 255;
        }
        List<Tensor> variants = new ArrayList<>(List.of(target, Tensor.of(asInt, target.shape())));
        if (fitsByte) {
            variants.add(Tensor.ofUint8(asByte, target.shape()));
        }
        return variants;
    }

    private void assertAgainst(String id, DiceLoss candidate, Tensor targetVariant) {
        LossResult result = candidate.forward(logits, targetVariant);
        double[] actual = switch (observe) {
            case LOSS -> new double[] {result.loss()};
            case SCORE -> new double[] {1.0 - result.loss()};
            case TERMS -> Arrays.stream(result.terms()).flatMapToDouble(Arrays::stream).toArray();
        };
        String context = id + " on " + candidate.kernelName() + " kernels, " + candidate + ", target "
                + targetVariant + ", " + observe + " within " + tolerance;
        assertEquals(expected.length, actual.length, context + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            double bound = tolerance.bound(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                fail(context + ": value " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (|difference| " + Math.abs(actual[i] - expected[i]) + " > " + bound + ")");
            }
        }
    }
}
