package org.dice4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.internal.KernelProvider;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Tolerances;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the public API, with random options, the loss on the fast kernels equals the loss on the reference
 * kernels. Only the statistics differ between the two (the loss arithmetic is shared), so the tolerance follows
 * from theirs (1e-5 relative, see {@code VectorStatisticsTest}): a score S = num/den moves by at most ~2e-5
 * relative, a term (1 − S)^γ with γ ≥ 1 or −ln S by at most ~γ·2e-5 absolute for S in [0, 1]; we allow 1e-4
 * absolute plus 1e-4 relative. Focal exponents below 1 amplify errors near S = 1 without bound and are left to the
 * exact tests of the loss arithmetic.
 */
class LossVectorVsReferenceTest {
    @BeforeEach
    void requireVectorKernels() {
        assumeTrue(KernelProvider.get().name().equals("vector"), "the default kernels are the reference here");
    }

    @Test
    void everyOptionCombinationGivesTheReferenceLoss() {
        qt().withExamples(Examples.standard())
                .forAll(Problems.problems(), integers().all()).checkAssert((problem, optionSeed) -> {
            Instance instance = problem.instance();
            DiceLoss loss = Problems.randomLoss(problem, new SplittableRandom(optionSeed));
            LossResult fast = loss.forward(instance.logits(), instance.target());
            LossResult reference = loss.toBuilder().referenceKernels(true).build().forward(instance.logits(),
                    instance.target());
            String context = problem + " " + loss;
            for (int row = 0; row < reference.rows(); row++) {
                for (int column = 0; column < reference.columns(); column++) {
                    Tolerances.assertClose(reference.term(row, column), fast.term(row, column), Tolerances.LOSS,
                            context + " term " + row + "," + column + "\nreference "
                                    + Arrays.deepToString(reference.terms()) + "\nfast      "
                                    + Arrays.deepToString(fast.terms()));
                }
            }
            if (loss.reduction() != Reduction.NONE) {
                Tolerances.assertClose(reference.loss(), fast.loss(), Tolerances.LOSS, context);
            }
        });
    }
}
