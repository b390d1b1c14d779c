package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Without an activation, the loss and the metric pick one from the class count (docs/semantics.md, "Activation:
 * logits to probabilities"): SIGMOID for C = 1, SOFTMAX for C &gt; 1; the metric's default threshold 0.5 then means a
 * logit above 0.
 */
class DefaultActivationTest {
    private static final float[] LOGITS = {2f, -1f, 0.5f, -3f, 0.25f, 1.5f};

    private static double loss(DiceLoss.Builder builder, long... shape) {
        float[] target = new float[LOGITS.length];
        for (int i = 0; i < target.length; i += 2) {
            target[i] = 1;
        }
        return builder.build().forward(Tensor.of(LOGITS, shape), Tensor.of(target, shape)).loss();
    }

    @Test
    void theLossUsesTheSigmoidForOneChannelAndTheSoftmaxForMore() {
        assertEquals(loss(DiceLoss.builder().activation(Activation.SIGMOID), 1, 1, 6),
                loss(DiceLoss.builder(), 1, 1, 6), 0.0);
        assertEquals(loss(DiceLoss.builder().activation(Activation.SOFTMAX), 1, 3, 2),
                loss(DiceLoss.builder(), 1, 3, 2), 0.0);
    }

    @Test
    void theMetricThresholdsOneChannelAboveLogitZeroAndTakesTheArgmaxOfMore() {
        Tensor oneChannel = Tensor.of(new float[] {-0.1f, 0f, 0.1f, 4f}, 1, 1, 4);
        MetricResult binary = DiceMetric.builder().reduction(MetricReduction.NONE).build()
                .compute(oneChannel, Tensor.of(new float[] {0, 0, 1, 1}, 1, 1, 4));
        assertArrayEquals(new long[] {2}, binary.predicted()[0], "σ(z) > 0.5: z = 0 is out, 0.1 and 4 in");
        Tensor threeChannels = Tensor.of(LOGITS, 1, 3, 2);
        MetricResult multi = DiceMetric.builder().reduction(MetricReduction.NONE).build()
                .compute(threeChannels, Tensor.of(new int[] {0, 2}, 1, 2));
        MetricResult argmax = DiceMetric.builder().activation(Activation.SOFTMAX).reduction(MetricReduction.NONE)
                .build().compute(threeChannels, Tensor.of(new int[] {0, 2}, 1, 2));
        assertArrayEquals(argmax.predicted()[0], multi.predicted()[0]);
        assertArrayEquals(new long[] {1, 0, 1}, multi.predicted()[0], "argmax of (2, 0.5, 0.25) and (−1, −3, 1.5)");
    }
}
