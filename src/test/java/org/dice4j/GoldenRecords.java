package org.dice4j;

import static org.dice4j.testing.Bits.fnv;
import static org.dice4j.testing.Bits.hex;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.dice4j.testing.ChannelsLast;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.Problem;

/**
 * What {@link GoldenBitsTest} records of one problem: one line per loss configuration (forward, forwardBackward,
 * lossValue and lossValueAndGradient) and one for the metric, every number as its raw bits in hex, each gradient as
 * a 64-bit FNV-1a hash of its raw float bits. Lines read {@code <case> <configuration> key=value…}.
 */
final class GoldenRecords {
    private GoldenRecords() {}

    /** A named loss configuration, or null when it does not apply to the problem. */
    private record Configuration(String name, Function<Problem, DiceLoss.Builder> builder) {}

    private static final List<Configuration> CONFIGURATIONS = List.of(
            new Configuration("dice", p -> base(p)),
            new Configuration("jaccard", p -> base(p).variant(Variant.JACCARD)),
            new Configuration("tversky-focal", p -> base(p).tversky(0.3, 0.7).focalGamma(1.5)),
            new Configuration("log-squared", p -> base(p).logLoss(true).squared(true)),
            new Configuration("generalized", p -> base(p).generalized(GeneralizedWeight.SQUARE)),
            new Configuration("dice-ce", p -> p.activation() == Activation.NONE ? null
                    : base(p).lambdaDice(1.3).lambdaCrossEntropy(0.7)),
            new Configuration("batch-soft-sum", p -> base(p).batch(true).softLabel(true).reduction(Reduction.SUM)),
            new Configuration("no-background", p -> p.classes() == 1 ? null
                    : base(p).includeBackground(false).emptyPolicy(EmptyPolicy.EXCLUDE)),
            new Configuration("none", p -> base(p).reduction(Reduction.NONE).threads(2)),
            new Configuration("random", p -> Problems.randomLoss(p, new SplittableRandom(~p.seed())).toBuilder()));

    /** The configurations whose terms are recorded as bits (with "none"), the others' hashed: the file stays small. */
    private static final List<String> EXPLICIT = List.of("dice", "dice-ce");

    /**
     * Whether a configuration's statistics are recorded as bits: those of Dice + cross-entropy (the plain ones and
     * the cross-entropy sums), or the plain Dice ones where the problem has no cross-entropy.
     */
    private static boolean explicitStatistics(String configuration, Problem problem) {
        return configuration.equals("dice-ce")
                || configuration.equals("dice") && problem.activation() == Activation.NONE;
    }

    /** The configurations also run on channels-last copies of the tensors. */
    private static final List<String> CHANNELS_LAST = List.of("dice", "random");

    private static DiceLoss.Builder base(Problem problem) {
        DiceLoss.Builder builder = DiceLoss.builder().activation(problem.activation());
        return problem.hasIgnore() ? builder.ignoreIndex(problem.ignoreIndex()) : builder;
    }

    /** The lines of problem {@code id}, channels-last ones included when {@code channelsLast}. */
    static List<String> of(int id, Instance instance, boolean channelsLast) {
        Problem problem = instance.problem();
        List<String> lines = new ArrayList<>();
        for (Configuration configuration : CONFIGURATIONS) {
            DiceLoss.Builder builder = configuration.builder().apply(problem);
            if (builder == null) {
                continue;
            }
            DiceLoss loss = builder.build();
            boolean terms = EXPLICIT.contains(configuration.name());
            boolean statistics = explicitStatistics(configuration.name(), problem);
            lines.add(id + " " + configuration.name() + " "
                    + lossBits(loss, instance.logits(), instance.target(), terms, statistics));
            if (channelsLast && CHANNELS_LAST.contains(configuration.name())) {
                lines.add(id + " last-" + configuration.name() + " " + channelsLastBits(loss, instance, terms));
            }
        }
        lines.add(id + " metric " + metricBits(problem, instance));
        return lines;
    }

    /** The loss line of channels-last copies of the tensors (a label map stays as it is, without a channel axis). */
    private static String channelsLastBits(DiceLoss loss, Instance instance, boolean explicitTerms) {
        long[] shape = instance.problem().shape();
        long[] lastShape = ChannelsLast.channelsLastShape(shape);
        try (Arena arena = Arena.ofConfined()) {
            Tensor logits = Tensor.of(ChannelsLast.toChannelsLast(instance.logits(), arena), DType.FLOAT32,
                    lastShape).withLayout(Layout.CHANNELS_LAST);
            Tensor target = instance.target().dtype() == DType.FLOAT32
                    ? Tensor.of(ChannelsLast.toChannelsLast(instance.target(), arena), DType.FLOAT32, lastShape)
                            .withLayout(Layout.CHANNELS_LAST)
                    : ChannelsLast.labelMap(instance.target(), shape);
            return lossBits(loss, logits, target, explicitTerms, true);
        }
    }

    /**
     * The loss line; terms and statistics as bits where asked, hashed elsewhere (the file stays small).
     */
    private static String lossBits(DiceLoss loss, Tensor logits, Tensor target, boolean explicitTerms,
            boolean explicitStatistics) {
        StringBuilder line = new StringBuilder();
        LossResult forward = loss.forward(logits, target);
        boolean none = loss.reduction() == Reduction.NONE;
        if (!none) {
            line.append("loss=").append(hex(forward.loss()));
            if (loss.lambdaCrossEntropy() != 0) {
                line.append(" dice=").append(hex(forward.diceLoss())).append(" ce=").append(hex(forward.crossEntropy()));
            }
        }
        double[] statistics = forward.statistics().values();
        line.append(" counted=").append(forward.countedTerms())
                .append(explicitTerms || none ? " terms=" + hex(forward.terms()) : " terms#=" + hash(forward.terms()))
                .append(explicitStatistics ? " stats=" + hex(statistics) : " stats#=" + hash(statistics));
        try (Arena arena = Arena.ofConfined()) {
            Tensor gradient = gradientLike(logits, arena);
            LossResult backward = none ? loss.forwardBackward(logits, target, gradient, upstream(forward))
                    : loss.forwardBackward(logits, target, gradient);
            long backwardHash = fnv(backward.terms()) * 31 + fnv(backward.statistics().values());
            line.append(" fb#=").append(Long.toHexString(backwardHash)).append(" grad#=").append(Long.toHexString(fnv(gradient.segment())));
            if (!none) {
                Tensor fused = gradientLike(logits, arena);
                line.append(" value=").append(sameAs(loss.lossValue(logits, target), forward.loss()))
                        .append(" fused=").append(sameAs(loss.lossValueAndGradient(logits, target, fused), forward.loss()))
                        .append(" fused-grad#=").append(Long.toHexString(fnv(fused.segment())));
            }
        }
        return line.toString().strip();
    }

    /** "loss" when {@code value} has the loss's bits (most do), else its bits. */
    private static String sameAs(double value, double loss) {
        return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(loss) ? "loss" : hex(value);
    }

    /** An upstream gradient per term, not all equal, so that a swapped row or column shows. */
    private static double[][] upstream(LossResult forward) {
        double[][] upstream = new double[forward.rows()][forward.columns()];
        for (int row = 0; row < upstream.length; row++) {
            for (int column = 0; column < upstream[row].length; column++) {
                upstream[row][column] = 0.5 + 0.25 * ((row * 7 + column * 3) % 5);
            }
        }
        return upstream;
    }

    private static Tensor gradientLike(Tensor logits, Arena arena) {
        MemorySegment segment = arena.allocate(Math.max(1, logits.elementCount()) * Float.BYTES, 4);
        // A canary, so that an element the kernels stop writing changes the hash.
        segment.fill((byte) 0x7f);
        return Tensor.of(segment.asSlice(0, logits.elementCount() * Float.BYTES), DType.FLOAT32, logits.shape())
                .withLayout(logits.layout());
    }

    private static String metricBits(Problem problem, Instance instance) {
        DiceMetric.Builder builder = DiceMetric.builder().activation(problem.activation())
                .reduction(MetricReduction.NONE).includeBackground(problem.classes() == 1 || (problem.seed() & 2) == 0);
        if (problem.hasIgnore()) {
            builder.ignoreIndex(problem.ignoreIndex());
        }
        if (problem.activation() == Activation.NONE && problem.classes() == 1) {
            builder.threshold(0.5);
        }
        MetricResult result;
        try {
            result = builder.build().compute(instance.logits(), instance.target());
        } catch (IllegalArgumentException e) {
            return "rejected=" + e.getMessage().replace(' ', '_');
        }
        return "intersection=" + counts(result.intersection()) + " predicted=" + counts(result.predicted())
                + " target=" + counts(result.target()) + " dice=" + hex(result.dice()) + " iou=" + hex(result.iou());
    }

    /** The 64-bit FNV-1a hash of a problem's input bytes: tells a changed input from a changed result. */
    static long inputHash(Instance instance) {
        return fnv(instance.target().segment()) * 31 + fnv(instance.logits().segment());
    }

    private static String counts(long[][] matrix) {
        StringBuilder text = new StringBuilder();
        for (long[] row : matrix) {
            for (long value : row) {
                text.append(text.isEmpty() ? "" : ",").append(value);
            }
            text.append(';');
        }
        return text.toString();
    }

    private static String hash(double[] values) {
        return Long.toHexString(fnv(values));
    }

    private static String hash(double[][] matrix) {
        return Long.toHexString(fnv(matrix));
    }
}
