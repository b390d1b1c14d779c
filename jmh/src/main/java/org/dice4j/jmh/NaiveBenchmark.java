package org.dice4j.jmh;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The classic algorithm written the way the usual PyTorch snippets run it: one pass per tensor operation, every
 * intermediate materialized. Sigmoid (binary): {@code p = sigmoid(z)}, {@code p·g}, then the three sums per image.
 * Softmax (multi-class): the probabilities ({@code max}, {@code exp}, sum, divide: PyTorch's stable softmax), a
 * one-hot float tensor from the label map, per class the product tensor and its sums, the mean over images and
 * classes. Float arithmetic and float sums, as float32 tensors. Forward only (the snippets have no backward).
 *
 * <p>Compare with {@link ForwardBenchmark#lossValue} (the fused pass, the same loss) in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class NaiveBenchmark {

    /** Checks once that the naive loss is the fused one (float sums: 1e-3 relative). */
    @State(Scope.Benchmark)
    public static class Check {
        @Setup(Level.Trial)
        public void setUp(Data data) {
            double naive = naiveLoss(data.logits(0), data.target(0), data.loss.activationFor(data.logits(0).size(1)));
            double fused = data.loss.lossValue(data.logits(0), data.target(0));
            if (!(Math.abs(naive - fused) <= 1e-3 * Math.abs(fused))) {
                throw new IllegalStateException("naive loss " + naive + " differs from the fused " + fused);
            }
        }
    }

    @Benchmark
    public double naive(Data data, Check check) {
        int copy = data.next();
        Tensor logits = data.logits(copy);
        return naiveLoss(logits, data.target(copy), data.loss.activationFor(logits.size(1)));
    }

    /** The classic loss (smoothing 1), multi-pass. */
    static double naiveLoss(Tensor logits, Tensor target, Activation activation) {
        int images = (int) logits.size(0);
        int classes = (int) logits.size(1);
        int voxels = (int) (logits.elementCount() / images / classes);
        float[] z = logits.segment().asSlice(0, logits.byteSize()).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
        float[] probabilities = activation == Activation.SOFTMAX
                ? softmax(z, images, classes, voxels) : sigmoid(z);
        float[] oneHot = target.dtype() == DType.FLOAT32
                ? target.segment().asSlice(0, target.byteSize()).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED)
                : oneHot(target.segment(), images, classes, voxels);
        double lossSum = 0;
        for (int c = 0; c < classes; c++) {
            // p[:, c] * g[:, c], materialized, then the sums per image.
            float[] product = new float[images * voxels];
            for (int n = 0; n < images; n++) {
                for (int v = 0; v < voxels; v++) {
                    int index = (n * classes + c) * voxels + v;
                    product[n * voxels + v] = probabilities[index] * oneHot[index];
                }
            }
            float diceSum = 0;
            for (int n = 0; n < images; n++) {
                float intersection = 0;
                float predSum = 0;
                float targetSum = 0;
                for (int v = 0; v < voxels; v++) {
                    intersection += product[n * voxels + v];
                }
                for (int v = 0; v < voxels; v++) {
                    predSum += probabilities[(n * classes + c) * voxels + v];
                }
                for (int v = 0; v < voxels; v++) {
                    targetSum += oneHot[(n * classes + c) * voxels + v];
                }
                diceSum += (2 * intersection + 1) / (predSum + targetSum + 1);
            }
            lossSum += 1 - diceSum / images;
        }
        return lossSum / classes;
    }

    private static float[] sigmoid(float[] z) {
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-z[i])));
        }
        return p;
    }

    /** Max, exp(z − max), sum and divide: four passes, as a stable framework softmax. */
    private static float[] softmax(float[] z, int images, int classes, int voxels) {
        float[] max = new float[images * voxels];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < classes; c++) {
                for (int v = 0; v < voxels; v++) {
                    max[n * voxels + v] = Math.max(max[n * voxels + v], z[(n * classes + c) * voxels + v]);
                }
            }
        }
        float[] e = new float[z.length];
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < classes; c++) {
                for (int v = 0; v < voxels; v++) {
                    e[(n * classes + c) * voxels + v] = (float) Math.exp(z[(n * classes + c) * voxels + v] - max[n * voxels + v]);
                }
            }
        }
        float[] sum = new float[images * voxels];
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < classes; c++) {
                for (int v = 0; v < voxels; v++) {
                    sum[n * voxels + v] += e[(n * classes + c) * voxels + v];
                }
            }
        }
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < classes; c++) {
                for (int v = 0; v < voxels; v++) {
                    e[(n * classes + c) * voxels + v] /= sum[n * voxels + v];
                }
            }
        }
        return e;
    }

    /** F.one_hot(labels).permute(0, 3, 1, 2).float(): a dense float tensor from the uint8 label map. */
    private static float[] oneHot(MemorySegment labels, int images, int classes, int voxels) {
        float[] oneHot = new float[images * classes * voxels];
        for (int n = 0; n < images; n++) {
            for (int v = 0; v < voxels; v++) {
                int label = Byte.toUnsignedInt(labels.get(ValueLayout.JAVA_BYTE, (long) n * voxels + v));
                oneHot[(n * classes + (classes == 1 ? 0 : label)) * voxels + v] = classes == 1 ? label : 1f;
            }
        }
        return oneHot;
    }
}
