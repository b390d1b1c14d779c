package org.dice4j.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.dice4j.Activation;
import org.dice4j.InvalidArgumentException;
import org.dice4j.MetricReduction;

/**
 * Every option of a {@code DiceMetric}, once: the value its builder builds and {@code toBuilder} starts from; the
 * constructor checks the combination. {@code numClasses} 0 means "from the inputs". Not an API: internal to dice4j.
 */
public record MetricOptions(
        Activation activation,
        double threshold,
        boolean includeBackground,
        boolean ignoreEmpty,
        OptionalLong ignoreIndex,
        int numClasses,
        MetricReduction reduction,
        boolean referenceKernels,
        int threads,
        Executor executor) implements SharedOptions {

    /** The defaults: threshold 0.5, background included, empty targets ignored, MEAN. */
    public static final MetricOptions DEFAULTS = new MetricOptions(null, 0.5, true, true, OptionalLong.empty(), 0,
            MetricReduction.MEAN, false, 1, null);

    public MetricOptions {
        Objects.requireNonNull(ignoreIndex, "ignoreIndex");
        Objects.requireNonNull(reduction, "reduction");
        if (activation == Activation.SIGMOID && !(threshold > 0 && threshold < 1)) {
            throw new InvalidArgumentException("threshold", "a SIGMOID probability threshold must be in (0, 1), got "
                    + threshold);
        }
    }

    /** The class of the results' column 0: 0, or 1 without the background. */
    public int firstClass() {
        return includeBackground ? 0 : 1;
    }

    /** Every option under its builder method's name, for {@code DiceMetric.toString} (as LossOptions.describe). */
    public String describe() {
        return new OptionText("DiceMetric").add("activation", Optional.ofNullable(activation))
                .add("threshold", threshold).add("includeBackground", includeBackground).add("ignoreEmpty", ignoreEmpty)
                .add("ignoreIndex", ignoreIndex)
                .add("numClasses", numClasses == 0 ? OptionalInt.empty() : OptionalInt.of(numClasses))
                .add("reduction", reduction).add("threads", threads).add("executor", Optional.ofNullable(executor))
                .add("referenceKernels", referenceKernels).toString();
    }
}
