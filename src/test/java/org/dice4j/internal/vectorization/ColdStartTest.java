package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.LossResult;
import org.dice4j.Reduction;
import org.dice4j.Statistics;
import org.dice4j.Tensor;
import org.dice4j.testing.Bits;
import org.dice4j.testing.KernelPasses;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twins (TwinStages) give the vector stages' bits, so no warm-up changes a result: forwardBackward
 * with the twins only, the vector plans only and the cold-start policy are bit-identical (loss, terms, statistics
 * and gradient), and a call made while the twins run equals one made after the policy went to the vector plans.
 */
class ColdStartTest {
    private ColdStart.Mode saved;

    @BeforeEach
    void requireVectorKernels() {
        VectorKernelsFixture.requireVectorKernels();
        saved = ColdStart.mode;
    }

    @AfterEach
    void restoreMode() {
        ColdStart.mode = saved;
    }

    @Test
    void twinsAndVectorStagesGiveTheSameBits() {
        qt().withExamples(150).forAll(Problems.problemsWith(Activation.SOFTMAX, true)).checkAssert(problem -> {
            Instance instance = problem.instance();
            DiceLoss loss = Problems.randomLoss(problem, new SplittableRandom(problem.seed()));
            String vector = bits(ColdStart.Mode.VECTOR, loss, instance);
            assertEquals(vector, bits(ColdStart.Mode.TWIN, loss, instance), problem::toString);
            assertEquals(vector, bits(ColdStart.Mode.AUTO, loss, instance), problem::toString);
        });
    }

    @Test
    void aWarmUpChangesNoBit() {
        Problem problem = new Problem(new long[] {2, 5, 40, 40, 40}, Activation.SOFTMAX, Problems.TargetKind.UINT8,
                Problems.IgnoreMode.SOME, true, 19);
        Instance instance = problem.instance();
        DiceLoss loss = DiceLoss.builder().threads(2).ignoreIndex(problem.ignoreIndex()).build();
        String cold = bits(ColdStart.Mode.TWIN, loss, instance);
        ColdStart storing = Plans.coldStart(Plans.storing(KernelPasses.statistics(instance, false, false)));
        long deadline = System.nanoTime() + 60_000_000_000L;
        int calls = 0;
        while (!storing.vectorOnly() && System.nanoTime() < deadline) {
            assertEquals(cold, bits(ColdStart.Mode.AUTO, loss, instance), "call " + calls);
            calls++;
        }
        assertTrue(storing.vectorOnly(), "still on the twins after " + calls + " calls");
        assertEquals(cold, bits(ColdStart.Mode.AUTO, loss, instance));
    }

    /** The raw bits of a forwardBackward's loss, terms, statistics and gradient under {@code mode}. */
    private static String bits(ColdStart.Mode mode, DiceLoss loss, Instance instance) {
        ColdStart.mode = mode;
        try (Arena arena = Arena.ofConfined()) {
            Tensor logits = instance.logits();
            MemorySegment segment = arena.allocate(logits.elementCount() * Float.BYTES, 4);
            segment.fill((byte) 0x7f);
            Tensor gradient = Tensor.of(segment, DType.FLOAT32, logits.shape()).withLayout(logits.layout());
            LossResult result;
            try {
                result = loss.reduction() == Reduction.NONE
                        ? loss.forwardBackward(logits, instance.target(), gradient, ones(loss, instance))
                        : loss.forwardBackward(logits, instance.target(), gradient);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            String scalar = loss.reduction() == Reduction.NONE ? "" : Bits.hex(result.loss());
            return scalar + " " + Bits.fnv(result.terms()) + " "
                    + statisticsBits(result.statistics()) + " " + Bits.fnv(segment);
        }
    }

    /** An upstream gradient of 1 per term, for reduction NONE. */
    private static double[][] ones(DiceLoss loss, Instance instance) {
        double[][] terms = loss.forward(instance.logits(), instance.target()).terms();
        double[][] upstream = new double[terms.length][];
        for (int n = 0; n < terms.length; n++) {
            upstream[n] = new double[terms[n].length];
            Arrays.fill(upstream[n], 1.0);
        }
        return upstream;
    }

    private static String statisticsBits(Statistics statistics) {
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < statistics.images(); n++) {
            for (int c = 0; c < statistics.classes(); c++) {
                text.append(Bits.hex(statistics.intersection(n, c))).append(',')
                        .append(Bits.hex(statistics.predSum(n, c))).append(',')
                        .append(Bits.hex(statistics.targetSum(n, c))).append(';');
            }
        }
        return text.toString();
    }
}
