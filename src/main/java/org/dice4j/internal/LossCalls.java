package org.dice4j.internal;

import org.dice4j.Reduction;
import org.dice4j.Tensor;

/**
 * What each entry point of a {@code DiceLoss} does between its checks and its result: the passes, the loss arithmetic
 * and the gradient coefficients of one set of options. The facade wraps what these return into its public results.
 * Not an API: internal to dice4j.
 */
public final class LossCalls {
    private final LossOptions options;
    private final Parallelism parallelism;
    private final LossArithmetic arithmetic;
    private final GradientCoefficients gradientCoefficients;
    private final LossPasses passes;

    /** The calls of a loss with {@code options}. */
    public LossCalls(LossOptions options) {
        this.options = options;
        this.parallelism = options.parallelism();
        this.arithmetic = new LossArithmetic(options);
        this.gradientCoefficients = new GradientCoefficients(options);
        this.passes = new LossPasses(options.referenceKernels());
    }

    /** A call that computed the loss: the pass it ran, its statistics, the loss and the terms matrix. */
    public record Outcome(StatisticsPass pass, StatisticsTable statistics, LossValue value, double[][] terms) {}

    /** "vector" or "scalar": the kernels the calls run on. */
    public String kernelName() {
        return passes.kernelName();
    }

    /**
     * Throws the one exception of a call the reduction does not support, {@link IllegalStateException} (the loss's
     * configuration is at fault, not an argument), when {@code scalar} (MEAN or SUM needed) does not match it.
     */
    public void requireReduction(boolean scalar, String message) {
        if ((options.reduction() != Reduction.NONE) != scalar) {
            throw new IllegalStateException(message);
        }
    }

    /** The checked statistics pass of {@code logits} and {@code target}, and its statistics in a new table. */
    public Outcome statistics(Tensor logits, Tensor target) {
        StatisticsPass pass = LossInputs.statisticsPass(options, parallelism, logits, target);
        return new Outcome(pass, passes.statistics(pass, new double[pass.outputLength()], logits, target), null, null);
    }

    /** The reduced loss, the statistics in the calling thread's buffers. */
    public double lossValue(Tensor logits, Tensor target) {
        StatisticsPass pass = LossInputs.statisticsPass(options, parallelism, logits, target);
        LossScratch scratch = LossScratch.perThread();
        StatisticsTable table = passes.statistics(pass, scratch.values(pass.outputLength()), logits, target);
        return arithmetic.evaluate(table, null, scratch).loss();
    }

    /** The loss of {@code statistics}, its terms in a new matrix. */
    public Outcome evaluate(StatisticsTable statistics) {
        double[][] terms = terms(statistics.images(), statistics.classes());
        return new Outcome(null, statistics, arithmetic.evaluate(statistics, terms, new LossScratch()), terms);
    }

    /**
     * The loss and the gradient of upstream·L (MEAN, SUM; {@code upstreamTerms} null) or of Σ upstream·term (NONE),
     * written into {@code gradient}.
     */
    public Outcome forwardBackward(Tensor logits, Tensor target, Tensor gradient, double upstream,
            double[][] upstreamTerms) {
        StatisticsPass pass = gradientPass(logits, target, gradient);
        int images = (int) pass.images();
        int classes = pass.classes();
        if (upstreamTerms != null) {
            LossInputs.checkUpstreamTerms(upstreamTerms, options.rows(images), options.termColumns(classes));
        }
        double[] values = new double[pass.outputLength()];
        double[] coefficients = new double[GradientCoefficients.length(images, classes)];
        double[][] terms = terms(images, classes);
        LossScratch scratch = new LossScratch();
        LossValue value = passes.withGradient(pass, values, coefficients, logits, target, gradient, table -> {
            LossValue loss = arithmetic.evaluate(table, terms, scratch);
            gradientCoefficients.fill(table, loss, upstream, upstreamTerms, coefficients, scratch);
            return loss;
        });
        return new Outcome(pass, new StatisticsTable(images, classes, values), value, terms);
    }

    /** The reduced loss and its gradient, every buffer the calling thread's. */
    public double lossValueAndGradient(Tensor logits, Tensor target, Tensor gradient) {
        StatisticsPass pass = gradientPass(logits, target, gradient);
        LossScratch scratch = LossScratch.perThread();
        double[] values = scratch.values(pass.outputLength());
        double[] coefficients = scratch.coefficients(GradientCoefficients.length((int) pass.images(), pass.classes()));
        return passes.withGradient(pass, values, coefficients, logits, target, gradient, table -> {
            LossValue loss = arithmetic.evaluate(table, null, scratch);
            gradientCoefficients.fill(table, loss, 1.0, null, coefficients, scratch);
            return loss;
        }).loss();
    }

    /** The gradient of a tile of images {@code firstImage …} of {@code whole}, written into {@code gradient}. */
    public void tileGradient(StatisticsTable whole, int firstImage, Tensor logits, Tensor target, Tensor gradient,
            double upstream) {
        StatisticsPass pass = gradientPass(logits, target, gradient);
        LossInputs.checkTile(pass, whole, firstImage);
        double[] coefficients = gradientCoefficients.ofTile(whole, firstImage, (int) pass.images(), upstream);
        passes.withGradient(pass, new double[pass.outputLength()], coefficients, logits, target, gradient,
                table -> null);
    }

    private double[][] terms(int images, int classes) {
        return new double[options.rows(images)][options.termColumns(classes)];
    }

    /** The statistics pass of a call that writes {@code gradient}, every input checked. */
    private StatisticsPass gradientPass(Tensor logits, Tensor target, Tensor gradient) {
        StatisticsPass pass = LossInputs.forGradient(LossInputs.statisticsPass(options, parallelism, logits, target),
                gradient);
        LossInputs.checkGradient(gradient, logits, target);
        return pass;
    }
}
