package org.dice4j.testing;

import org.dice4j.Activation;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;

/** The kernels' statistics pass over a generated problem, for tests that call the kernels directly. */
public final class KernelPasses {
    private KernelPasses() {}

    public static StatisticsPass statistics(Instance instance, boolean squared, boolean softIntersection) {
        return statistics(instance, squared, softIntersection, false);
    }

    /** The pass of an instance; the cross-entropy only with logits (SOFTMAX or SIGMOID), as the loss allows it. */
    public static StatisticsPass statistics(Instance instance, boolean squared, boolean softIntersection,
            boolean crossEntropy) {
        Problem problem = instance.problem();
        long[] shape = problem.shape();
        long voxels = instance.logits().elementCount() / shape[0] / shape[1];
        return new StatisticsPass(instance.logits().segment(), instance.target().segment(), instance.target().dtype(),
                shape[0], (int) shape[1], voxels, problem.activation(), squared, softIntersection,
                crossEntropy && problem.activation() != Activation.NONE, problem.hasIgnore(),
                problem.ignoreIndex(), shape);
    }
}
