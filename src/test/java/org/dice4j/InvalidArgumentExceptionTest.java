package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A refused input or option names its parameter as a value ({@link InvalidArgumentException#parameter()}), so that a
 * caller can put its own name for it in front of {@link InvalidArgumentException#problem()}.
 */
class InvalidArgumentExceptionTest {
    private static final Tensor LOGITS = Tensor.of(new float[2 * 3 * 4], 2, 3, 4);

    private static InvalidArgumentException refused(Executable call) {
        return assertThrows(InvalidArgumentException.class, call);
    }

    @Test
    void theMessageIsTheParameterAndTheProblem() {
        InvalidArgumentException failure = new InvalidArgumentException("logits", "expected N ≥ 1");
        assertEquals("logits", failure.parameter());
        assertEquals("expected N ≥ 1", failure.problem());
        assertEquals("logits: expected N ≥ 1", failure.getMessage());
    }

    @Test
    void eachInputOfTheLossIsNamed() {
        InvalidArgumentException target = refused(() -> DiceLoss.builder().build().forward(LOGITS,
                Tensor.of(new long[6], 2, 3)));
        assertEquals("target", target.parameter());
        assertEquals("a INT64 label map must have shape [2, 4] or [2, 1, 4], got [2, 3]", target.problem());
        assertEquals("logits", refused(() -> DiceLoss.builder().build().forward(Tensor.of(new float[6], 2, 3),
                Tensor.of(new long[2], 2))).parameter());
        assertEquals("ignoreIndex", refused(() -> DiceLoss.builder().ignoreIndex(255).build().forward(LOGITS,
                Tensor.of(new float[24], 2, 3, 4))).parameter());
        assertEquals("squared", refused(() -> DiceLoss.builder().squared(true).tversky(0.3, 0.7).build())
                .parameter());
    }

    @Test
    void eachInputOfTheMetricIsNamed() {
        Tensor labels = Tensor.of(new long[8], 2, 4);
        assertEquals("numClasses", refused(() -> DiceMetric.builder().build().compute(labels, labels)).parameter());
        assertEquals("prediction", refused(() -> DiceMetric.builder().build().compute(Tensor.of(new float[6], 2, 3),
                labels)).parameter());
    }

    @Test
    void aSigmoidResolvedFromOneClassChecksItsThresholdAsAnExplicitOne() {
        Tensor scores = Tensor.of(new float[8], 2, 1, 4);
        Tensor labels = Tensor.of(new long[8], 2, 4);
        InvalidArgumentException resolved = refused(() -> DiceMetric.builder().threshold(1.5).build().compute(scores,
                labels));
        assertEquals("threshold", resolved.parameter());
        assertEquals("a SIGMOID probability threshold must be in (0, 1), got 1.5", resolved.problem());
        assertEquals(resolved.getMessage(), refused(() -> DiceMetric.builder().threshold(1.5)
                .activation(Activation.SIGMOID).build()).getMessage());
    }
}
