package org.dice4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.dice4j.DiceMetric;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;

/**
 * A hard-metric case: the expected values (NaN where MONAI gives NaN), or with {@code nanPattern} the expected
 * isnan() booleans as 1/0.
 */
record MetricRun(DiceMetric metric, Tensor prediction, Tensor target, double[] expected,
        Tolerance tolerance, boolean nanPattern) implements Plan {

    void check(String id) {
        for (DiceMetric candidate : List.of(metric, metric.toBuilder().referenceKernels(true).build())) {
            MetricResult result = candidate.compute(prediction, target);
            double[] actual = result.reducedDice();
            String context = id + " on " + candidate.kernelName() + " kernels, " + candidate;
            assertEquals(expected.length, actual.length, context + ": number of values");
            for (int i = 0; i < expected.length; i++) {
                if (nanPattern) {
                    assertEquals(expected[i] == 1, Double.isNaN(actual[i]), context + ": isnan of value " + i);
                } else if (Double.isNaN(expected[i]) || Double.isNaN(actual[i])) {
                    assertEquals(Double.isNaN(expected[i]), Double.isNaN(actual[i]), context + ": NaN at " + i);
                } else if (!(Math.abs(actual[i] - expected[i]) <= tolerance.bound(expected[i]))) {
                    fail(context + ": value " + i + " expected " + expected[i] + " but was " + actual[i]);
                }
            }
        }
    }
}
