package org.dice4j.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dice4j.Activation;

/**
 * The per-voxel arithmetic of the reference, over a range of voxels of one image, and the label checks: the scalar
 * kernels run it over every voxel, the vector kernels over an image's last S mod LANES voxels and where they read
 * labels lane by lane, so that both treat a voxel the same way. Not an API: public only for the vectorization package.
 */
public final class ScalarRanges {

    /** Label value meaning "masked out" after {@link #readLabel} has checked it. */
    public static final int MASKED = -1;

    private ScalarRanges() {}

    /** Adds the sigmoid or identity statistics of voxels [from, to) of image n to {@code out}, class by class. */
    public static void elementwiseRange(StatisticsPass pass, double[] out, long n, long from, long to) {
        int classes = pass.classes();
        for (int c = 0; c < classes; c++) {
            int base = (int) ((n * classes + c) * StatisticsPass.STATS);
            for (long v = from; v < to; v++) {
                long element = pass.element(n, c, v);
                int label = pass.denseTarget() ? 0 : readLabel(pass, n, v);
                if (label == MASKED) {
                    continue;
                }
                double g = target(pass, label, element, pass.foregroundLabel(c));
                double z = pass.logit(element);
                double p = pass.activation() == Activation.SIGMOID ? sigmoid(z) : z;
                accumulate(out, base, p, g, pass.squared(), pass.softIntersection());
                if (pass.crossEntropy()) {
                    int imageBase = (int) (n * classes * StatisticsPass.STATS);
                    out[imageBase + StatisticsPass.CROSS_ENTROPY] += binaryCrossEntropy(z, g);
                    if (c == 0) {
                        out[imageBase + StatisticsPass.VOXELS] += 1;
                    }
                }
            }
        }
    }

    /** Adds the softmax statistics of voxels [from, to) of image n to {@code out}, voxel by voxel. */
    public static void softmaxRange(StatisticsPass pass, double[] out, long n, long from, long to) {
        int classes = pass.classes();
        for (long v = from; v < to; v++) {
            int label = pass.denseTarget() ? 0 : readLabel(pass, n, v);
            if (label == MASKED) {
                continue;
            }
            double max = voxelMax(pass, n, v);
            double expSum = 0;
            for (int c = 0; c < classes; c++) {
                expSum += Math.exp(pass.logit(pass.element(n, c, v)) - max);
            }
            // −ln p_c = (max − z_c) + ln Σ e^(z − max): two non-negative terms, never the log of a rounded probability
            // (max + ln Σ − z_c lost ln Σ to rounding when max is large: 0 instead of ln C for C equal logits of 1e20).
            double logExpSum = Math.log(expSum);
            for (int c = 0; c < classes; c++) {
                long index = pass.element(n, c, v);
                double z = pass.logit(index);
                double p = Math.exp(z - max) / expSum;
                double g = target(pass, label, index, c);
                int base = (int) ((n * classes + c) * StatisticsPass.STATS);
                accumulate(out, base, p, g, pass.squared(), pass.softIntersection());
                if (pass.crossEntropy() && (pass.denseTarget() || g != 0)) {
                    // Against labels only the voxel's own class adds (the vector kernels pick its logit alone).
                    double minusLogP = (max - z) + logExpSum;
                    out[(int) (n * classes * StatisticsPass.STATS) + StatisticsPass.CROSS_ENTROPY] += g * minusLogP;
                }
            }
            if (pass.crossEntropy()) {
                out[(int) (n * classes * StatisticsPass.STATS) + StatisticsPass.VOXELS] += 1;
            }
        }
    }

    /** Binary cross-entropy with logits in its stable form, max(z, 0) − z·g + ln(1 + e^−|z|). */
    private static double binaryCrossEntropy(double z, double g) {
        return Math.max(z, 0) - z * g + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** Writes the sigmoid or identity gradient of voxels [from, to) of image n, class by class. */
    public static void elementwiseGradientRange(GradientPass gradientPass, long n, long from, long to) {
        StatisticsPass pass = gradientPass.statistics();
        int classes = pass.classes();
        for (int c = 0; c < classes; c++) {
            for (long v = from; v < to; v++) {
                long element = pass.element(n, c, v);
                int label = pass.denseTarget() ? 0 : readLabel(pass, n, v);
                if (label == MASKED) {
                    gradientPass.write(element, 0.0);
                    continue;
                }
                double g = target(pass, label, element, pass.foregroundLabel(c));
                double z = pass.logit(element);
                double value;
                if (pass.activation() == Activation.SIGMOID) {
                    double p = sigmoid(z);
                    // dσ/dz = σ(z)·σ(−z): 1 − σ(z) would round to 0 for large z.
                    value = lossByProbability(gradientPass, n, c, p, g) * p * sigmoid(-z)
                            + gradientPass.coefficient(n, c, GradientPass.CROSS_ENTROPY) * (p - g);
                } else {
                    value = lossByProbability(gradientPass, n, c, z, g)
                            + gradientPass.coefficient(n, c, GradientPass.CROSS_ENTROPY) * (z - g);
                }
                gradientPass.write(element, value);
            }
        }
    }

    /** Writes the softmax gradient of voxels [from, to) of image n, voxel by voxel. */
    public static void softmaxGradientRange(GradientPass gradientPass, long n, long from, long to) {
        int classes = gradientPass.statistics().classes();
        softmaxGradientRange(gradientPass, n, from, to, new double[classes], new double[classes]);
    }

    /** As {@link #softmaxGradientRange(GradientPass, long, long, long)}, with scratch arrays of at least C values. */
    public static void softmaxGradientRange(GradientPass gradientPass, long n, long from, long to,
            double[] probability, double[] byProbability) {
        StatisticsPass pass = gradientPass.statistics();
        int classes = pass.classes();
        for (long v = from; v < to; v++) {
            int label = pass.denseTarget() ? 0 : readLabel(pass, n, v);
            if (label == MASKED) {
                for (int c = 0; c < classes; c++) {
                    gradientPass.write(pass.element(n, c, v), 0.0);
                }
                continue;
            }
            double max = voxelMax(pass, n, v);
            double expSum = 0;
            for (int c = 0; c < classes; c++) {
                probability[c] = Math.exp(pass.logit(pass.element(n, c, v)) - max);
                expSum += probability[c];
            }
            // ∂L/∂z_c = p_c·(∂L/∂p_c − Σ_k p_k·∂L/∂p_k), plus the cross-entropy's p_c·Σ_k κ_k·g_k − κ_c·g_c.
            double weighted = 0;
            for (int c = 0; c < classes; c++) {
                probability[c] /= expSum;
                double g = target(pass, label, pass.element(n, c, v), c);
                byProbability[c] = lossByProbability(gradientPass, n, c, probability[c], g);
                weighted += probability[c] * byProbability[c]
                        - gradientPass.coefficient(n, c, GradientPass.CROSS_ENTROPY) * g;
            }
            for (int c = 0; c < classes; c++) {
                double g = target(pass, label, pass.element(n, c, v), c);
                gradientPass.write(pass.element(n, c, v),
                        probability[c] * (byProbability[c] - weighted)
                                - gradientPass.coefficient(n, c, GradientPass.CROSS_ENTROPY) * g);
            }
        }
    }

    /** g at element {@code index}: the dense target's value, or 1 where the voxel's label is {@code foreground}. */
    private static double target(StatisticsPass pass, int label, long index, int foreground) {
        return pass.denseTarget() ? pass.target().getAtIndex(JAVA_FLOAT_UNALIGNED, index)
                : (label == foreground ? 1.0 : 0.0);
    }

    /** ∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g). */
    private static double lossByProbability(GradientPass pass, long n, int c, double p, double g) {
        double power = pass.statistics().squared() ? p : 1.0;
        return pass.coefficient(n, c, GradientPass.TARGET) * g
                + pass.coefficient(n, c, GradientPass.PREDICTION) * power
                + pass.coefficient(n, c, GradientPass.SIGN) * Math.signum(p - g);
    }

    /** The hard-metric counts of every image of {@code pass} into {@code out}; stops between images on an interrupt. */
    public static void counts(CountPass pass, long[] out) {
        Arrays.fill(out, 0, pass.outputLength(), 0L);
        for (long n = 0; n < pass.images(); n++) {
            Parallelism.checkInterrupted();
            countRange(pass, out, n, 0, pass.voxels());
        }
    }

    /** Adds the hard-metric counts of voxels [from, to) of image n to {@code out}, voxel by voxel. */
    public static void countRange(CountPass pass, long[] out, long n, long from, long to) {
        int classes = pass.classes();
        for (long v = from; v < to; v++) {
            int target = pass.denseTarget() ? 0 : readCountLabel(pass, "target", pass.target(), pass.targetType(), n, v);
            if (target == MASKED) {
                continue;
            }
            int predicted = switch (pass.mode()) {
                case ARGMAX -> argmax(pass, n, v);
                case LABELS -> readCountLabel(pass, "prediction", pass.prediction(), pass.predictionType(), n, v);
                case THRESHOLD -> -1;
            };
            for (int c = 0; c < classes; c++) {
                long element = (n * classes + c) * pass.voxels() + v;
                boolean inA = pass.mode() == CountPass.Mode.THRESHOLD
                        ? pass.prediction().getAtIndex(JAVA_FLOAT_UNALIGNED, element) > pass.threshold()
                        : predicted == pass.foregroundLabel(c);
                boolean inB = pass.denseTarget()
                        ? pass.target().getAtIndex(JAVA_FLOAT_UNALIGNED, element) >= 0.5f
                        : target == pass.foregroundLabel(c);
                int base = (int) ((n * classes + c) * CountPass.COUNTS);
                out[base + CountPass.INTERSECTION] += inA && inB ? 1 : 0;
                out[base + CountPass.PREDICTED] += inA ? 1 : 0;
                out[base + CountPass.TARGET] += inB ? 1 : 0;
            }
        }
    }

    /** The first class of maximal score at voxel v of image n (NaN is never greater than anything). */
    private static int argmax(CountPass pass, long n, long v) {
        int classes = pass.classes();
        long imageStart = n * classes * pass.voxels();
        int best = 0;
        float bestScore = pass.prediction().getAtIndex(JAVA_FLOAT_UNALIGNED, imageStart + v);
        for (int c = 1; c < classes; c++) {
            float score = pass.prediction().getAtIndex(JAVA_FLOAT_UNALIGNED, imageStart + c * pass.voxels() + v);
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /** A label of a count pass's label map ({@link #MASKED} for the target's ignore index); throws out of range. */
    private static int readCountLabel(CountPass pass, String what, MemorySegment labels, org.dice4j.DType type, long n,
            long v) {
        long index = n * pass.voxels() + v;
        long value = switch (type) {
            case UINT8 -> Byte.toUnsignedLong(labels.get(JAVA_BYTE, index));
            case INT32 -> labels.getAtIndex(JAVA_INT_UNALIGNED, index);
            case INT64 -> labels.getAtIndex(JAVA_LONG_UNALIGNED, index);
            case FLOAT32, FLOAT16, BFLOAT16 -> throw new IllegalStateException("float data has no labels");
        };
        if (what.equals("target") && pass.hasIgnore() && value == pass.ignoreIndex()) {
            return MASKED;
        }
        if (value < 0 || value >= pass.labelLimit()) {
            throw pass.labelOutOfRange(what, n, v, value);
        }
        return (int) value;
    }

    /** max over c of the logits of voxel v of image n: the softmax's shift. */
    private static double voxelMax(StatisticsPass pass, long n, long v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < pass.classes(); c++) {
            max = Math.max(max, pass.logit(pass.element(n, c, v)));
        }
        return max;
    }

    private static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    private static void accumulate(double[] out, int base, double p, double g, boolean squared, boolean softIntersection) {
        out[base + StatisticsPass.INTERSECTION] += p * g;
        out[base + StatisticsPass.PRED_SUM] += squared ? p * p : p;
        out[base + StatisticsPass.TARGET_SUM] += squared ? g * g : g;
        if (softIntersection) {
            out[base + StatisticsPass.SOFT_INTERSECTION] += Math.min(p, g);
        }
    }

    /** The label of voxel v of image n, or {@link #MASKED}; throws for a label out of range. */
    public static int readLabel(StatisticsPass pass, long n, long v) {
        long index = n * pass.voxels() + v;
        MemorySegment target = pass.target();
        long value = switch (pass.targetType()) {
            case UINT8 -> Byte.toUnsignedLong(target.get(JAVA_BYTE, index));
            case INT32 -> target.getAtIndex(JAVA_INT_UNALIGNED, index);
            case INT64 -> target.getAtIndex(JAVA_LONG_UNALIGNED, index);
            case FLOAT32, FLOAT16, BFLOAT16 -> throw new IllegalStateException("dense target has no labels");
        };
        if (pass.hasIgnore() && value == pass.ignoreIndex()) {
            return MASKED;
        }
        if (value < 0 || value >= pass.labelLimit()) {
            throw pass.labelOutOfRange(n, v, value);
        }
        return (int) value;
    }
}
