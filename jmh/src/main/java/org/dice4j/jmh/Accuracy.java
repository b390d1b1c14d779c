package org.dice4j.jmh;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dice4j.DiceLoss;
import org.dice4j.LossResult;
import org.dice4j.internal.KernelProvider;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.StatisticsPass;

/**
 * Relative error of the vector kernels' statistics against the double-precision scalar reference on 10⁸ logits,
 * where float accumulation would go wrong first. Prints Markdown table rows for {@code docs/benchmarks.md}. Not a
 * benchmark: no timing is reported.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx4g -cp jmh/target/benchmarks.jar org.dice4j.jmh.Accuracy
 *     [workload …]   (default: accuracy-sigmoid-dense accuracy-softmax-labels)</pre>
 *
 * For contrast, on the dense sigmoid problem it also prints the error of the textbook float kernel: one
 * FloatVector accumulator per statistic over the whole image, reduced once at the end.
 */
public final class Accuracy {
    /** The statistics the default losses use (q = 1, no soft-label term), with their names. */
    private static final int[] STATISTICS = {
        StatisticsPass.INTERSECTION, StatisticsPass.PRED_SUM, StatisticsPass.TARGET_SUM};
    private static final String[] STATISTIC_NAMES = {"I = Σ p·g", "P = Σ p", "G = Σ g"};

    private Accuracy() {}

    public static void main(String[] args) {
        Workload[] workloads = args.length == 0
                ? new Workload[] {Workload.ACCURACY_SIGMOID_DENSE, Workload.ACCURACY_SOFTMAX_LABELS}
                : Arrays.stream(args).map(Workload::of).toArray(Workload[]::new);
        Kernels vector = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "vector kernels unavailable: run with --add-modules jdk.incubator.vector"));
        Kernels scalar = KernelProvider.scalar();
        System.out.printf(Locale.ROOT, "%s; %s %s%n%n", vector, System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"));
        System.out.println("| problem | class | statistic | reference (double) | vector kernels | relative error |");
        System.out.println("|---|---:|---|---:|---:|---:|");
        for (Workload workload : workloads) {
            try (Inputs inputs = Inputs.create(workload, Inputs.Memory.NATIVE)) {
                measure(workload, inputs, vector, scalar);
            }
        }
    }

    private static void measure(Workload workload, Inputs inputs, Kernels vector, Kernels scalar) {
        StatisticsPass pass = inputs.pass(0);
        double[] reference = new double[pass.outputLength()];
        double[] fast = new double[pass.outputLength()];
        double[] first = new double[pass.outputLength()];
        scalar.statistics(pass, reference);
        // The first call runs partly in the interpreter and C1, where lanewise(EXP) falls back to Math.exp per lane;
        // compiled code calls the vector math library, which may differ in the last bit. Steady state: the 4th call.
        vector.statistics(pass, first);
        for (int call = 2; call <= 4; call++) {
            vector.statistics(pass, fast);
        }
        double firstCallDifference = 0;
        for (int i = 0; i < first.length; i++) {
            firstCallDifference = Math.max(firstCallDifference, relative(first[i], fast[i]));
        }
        double worst = 0;
        for (int c = 0; c < pass.classes(); c++) {
            for (int k = 0; k < STATISTICS.length; k++) {
                int i = c * StatisticsPass.STATS + STATISTICS[k];
                double error = relative(fast[i], reference[i]);
                worst = Math.max(worst, error);
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %.10e | %.10e | %.2e |%n", workload.describe(), c,
                        STATISTIC_NAMES[k], reference[i], fast[i], error);
            }
        }
        DiceLoss loss = workload.loss();
        LossResult fastLoss = loss.forward(inputs.logits(0), inputs.target(0));
        LossResult referenceLoss = loss.toBuilder().referenceKernels(true).build()
                .forward(inputs.logits(0), inputs.target(0));
        System.out.printf(Locale.ROOT, "| %s | – | loss (%s) | %.10e | %.10e | %.2e |%n", workload.describe(),
                "1 − Dice, smooth 1", referenceLoss.loss(), fastLoss.loss(),
                relative(fastLoss.loss(), referenceLoss.loss()));
        System.out.printf(Locale.ROOT, "| %s | – | largest statistic error | | | %.2e |%n", workload.describe(), worst);
        System.out.printf(Locale.ROOT, "| %s | – | first call vs 4th call (vector), largest difference | | | %.2e |%n",
                workload.describe(), firstCallDifference);
        if (workload.activation() == org.dice4j.Activation.SIGMOID && pass.denseTarget() && pass.classes() == 1
                && pass.images() == 1) {
            float[] naive = naiveFloatSigmoid(pass.logits(), pass.target(), pass.voxels());
            for (int k = 0; k < STATISTICS.length; k++) {
                double expected = reference[STATISTICS[k]];
                System.out.printf(Locale.ROOT, "| %s | 0 | %s, *textbook float kernel* | %.10e | %.10e | %.2e |%n",
                        workload.describe(), STATISTIC_NAMES[k], expected, naive[k], relative(naive[k], expected));
            }
        }
    }

    private static double relative(double actual, double expected) {
        return expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
    }

    /** I, P, G of one sigmoid image with one float accumulator vector each, reduced once: what not to do. */
    private static float[] naiveFloatSigmoid(MemorySegment logits, MemorySegment target, long voxels) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        ByteOrder order = ByteOrder.nativeOrder();
        FloatVector one = FloatVector.broadcast(species, 1f);
        FloatVector intersection = FloatVector.zero(species);
        FloatVector predSum = FloatVector.zero(species);
        FloatVector targetSum = FloatVector.zero(species);
        long bytes = voxels * Float.BYTES;
        long bound = bytes - bytes % species.vectorByteSize();
        long offset = 0;
        for (; offset < bound; offset += species.vectorByteSize()) {
            FloatVector z = FloatVector.fromMemorySegment(species, logits, offset, order);
            FloatVector g = FloatVector.fromMemorySegment(species, target, offset, order);
            FloatVector p = one.div(one.add(z.neg().lanewise(EXP)));
            intersection = p.fma(g, intersection);
            predSum = predSum.add(p);
            targetSum = targetSum.add(g);
        }
        float i = intersection.reduceLanes(ADD);
        float p = predSum.reduceLanes(ADD);
        float g = targetSum.reduceLanes(ADD);
        for (; offset < bytes; offset += Float.BYTES) {
            float z = logits.get(JAVA_FLOAT_UNALIGNED, offset);
            float t = target.get(JAVA_FLOAT_UNALIGNED, offset);
            float s = (float) (1 / (1 + Math.exp(-z)));
            i += s * t;
            p += s;
            g += t;
        }
        return new float[] {i, p, g};
    }
}
