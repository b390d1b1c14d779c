package org.dice4j.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.dice4j.djl.DjlDiceLoss;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One loss step in DJL (PyTorch engine, one thread): the forward and backward of the loss alone inside a
 * {@code GradientCollector}, from logits that require a gradient to their gradient. {@code adapter} is dice4j's
 * {@link DjlDiceLoss}; {@code djlLabels} is the Dice loss a DJL user writes in NDArray operations from the uint8
 * label map ({@code labels.oneHot(C)}, class axis moved to 1), differentiated by libtorch's autograd;
 * {@code djlOneHot} is the same from a float32 one-hot target precomputed once (the best case of that code). All
 * three compute the seed's multi-class loss (softmax, smoothing 1, mean over images and classes of 1 − Dice), and
 * {@code @Setup} checks that they agree (loss relative 1e-5, gradient 1e-4 of its largest element) before timing.
 *
 * <p>Each call starts from a fresh leaf over the same logits ({@code stopGradient}: an alias, no copy), so the
 * backward allocates the gradient as PyTorch's {@code zero_grad(set_to_none=True)} leaves it, and every array of
 * the call lives in a per-call manager closed at its end. Threads: {@code ai.djl.pytorch.num_threads=1} here, and
 * {@code OMP_NUM_THREADS=1} in the environment (docs/benchmarks.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
// Calls take 20 ms to 1 s: 2-second iterations hold at least two of the slowest; libtorch needs no JIT warm-up, the
// adapter's kernels do (thousands of calls of the small workload, a few of the large one's long loops).
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xms2g", "-Xmx2g"})
public class DjlLossBenchmark {
    /** Agreement of the three losses (relative) and gradients (of the largest element). */
    static final double LOSS_AGREEMENT = 1e-5;
    static final double GRADIENT_AGREEMENT = 1e-4;

    /** The logits, the uint8 label map and its float32 one-hot, built once per fork from a fixed seed. */
    @State(Scope.Benchmark)
    public static class Inputs {
        /** softmax-labels (2,14,96³) or softmax-2d (8,4,256²): see {@link Workload}. */
        @Param({"softmax-labels", "softmax-2d"})
        public String workload;

        NDManager manager;
        NDArray logits;
        NDArray labels;
        NDArray oneHot;
        int classes;
        int[] spatialAxes;
        DjlDiceLoss adapter;

        @Setup(Level.Trial)
        public void setUp() {
            long[] shape = Workload.of(workload).shape();
            classes = (int) shape[1];
            spatialAxes = IntStream.range(2, shape.length).toArray();
            Engine engine = Engine.getEngine("PyTorch");
            engine.setRandomSeed(20);
            manager = engine.newBaseManager();
            logits = manager.randomNormal(new Shape(shape)).mul(2);
            long[] labelShape = new long[shape.length - 1];
            labelShape[0] = shape[0];
            System.arraycopy(shape, 2, labelShape, 1, shape.length - 2);
            labels = manager.randomInteger(0, classes, new Shape(labelShape), DataType.INT32)
                    .toType(DataType.UINT8, false);
            oneHot = classAxisFirst(labels.oneHot(classes)).duplicate();
            adapter = new DjlDiceLoss(Workload.of(workload).loss());
            checkAgreement();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }

        /** (N, spatial…, C) to (N, C, spatial…). */
        NDArray classAxisFirst(NDArray channelsLast) {
            int rank = channelsLast.getShape().dimension();
            int[] axes = new int[rank];
            axes[1] = rank - 1;
            for (int axis = 2; axis < rank; axis++) {
                axes[axis] = axis - 1;
            }
            return channelsLast.transpose(axes);
        }

        NDArray adapter(NDArray z) {
            return adapter.evaluate(new NDList(labels), new NDList(z));
        }

        NDArray djlLabels(NDArray z) {
            return ndArrayDice(z, classAxisFirst(labels.oneHot(classes)));
        }

        NDArray djlOneHot(NDArray z) {
            return ndArrayDice(z, oneHot);
        }

        /** The NDArray Dice loss of softmax(z) against a one-hot g (N, C, spatial…). */
        NDArray ndArrayDice(NDArray z, NDArray g) {
            NDArray p = z.softmax(1);
            NDArray intersection = p.mul(g).sum(spatialAxes);
            NDArray denominator = p.sum(spatialAxes).add(g.sum(spatialAxes)).add(1);
            return intersection.mul(2).add(1).div(denominator).mean().neg().add(1);
        }

        private void checkAgreement() {
            float[][] reference = step(this::djlLabels, true);
            check("djlOneHot", reference, step(this::djlOneHot, true));
            check("adapter", reference, step(this::adapter, true));
        }

        /**
         * One loss step: a fresh leaf, the loss and its backward in a collector. The loss (element 0 of row 0) and,
         * when {@code withGradient}, the gradient (row 1).
         */
        float[][] step(UnaryOperator<NDArray> loss, boolean withGradient) {
            try (NDManager call = manager.newSubManager()) {
                NDArray leaf = leaf(call);
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray value = loss.apply(leaf);
                    collector.backward(value);
                    return new float[][] {{value.getFloat()}, withGradient ? leaf.getGradient().toFloatArray() : null};
                }
            }
        }

        /**
         * A fresh leaf over the logits in {@code call}, with the labels and the one-hot attached to it for the call, so
         * that what operations on them make is freed with it.
         */
        NDArray leaf(NDManager call) {
            call.tempAttachAll(labels, oneHot);
            NDArray leaf = logits.stopGradient();
            leaf.attach(call);
            leaf.setRequiresGradient(true);
            return leaf;
        }

        private static void check(String name, float[][] expected, float[][] actual) {
            if (!(Math.abs(expected[0][0] - actual[0][0]) <= LOSS_AGREEMENT * Math.abs(expected[0][0]))) {
                throw new IllegalStateException(name + ": loss " + actual[0][0] + ", djlLabels " + expected[0][0]);
            }
            double largest = 0;
            double difference = 0;
            for (int i = 0; i < expected[1].length; i++) {
                largest = Math.max(largest, Math.abs(expected[1][i]));
                difference = Math.max(difference, Math.abs(expected[1][i] - actual[1][i]));
            }
            if (!(difference <= GRADIENT_AGREEMENT * largest)) {
                throw new IllegalStateException(name + ": gradient off by " + difference + " of " + largest);
            }
        }
    }

    @Benchmark
    public float adapter(Inputs in) {
        return in.step(in::adapter, false)[0][0];
    }

    @Benchmark
    public float djlLabels(Inputs in) {
        return in.step(in::djlLabels, false)[0][0];
    }

    @Benchmark
    public float djlOneHot(Inputs in) {
        return in.step(in::djlOneHot, false)[0][0];
    }
}
