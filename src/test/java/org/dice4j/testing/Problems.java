package org.dice4j.testing;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.EmptyPolicy;
import org.dice4j.Reduction;
import org.dice4j.Tensor;
import org.dice4j.Variant;
import org.dice4j.WeightNormalization;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random segmentation problems for property tests: shapes that straddle vector lane counts and accumulation
 * blocks, every target kind, ignore masks covering nothing, some or all voxels, extreme logits (±80), huge logits
 * (1e20, ±1e30: equal across a voxel's classes, or distinct) and empty classes. The structure is generated (and
 * shrunk) by QuickTheories; the data comes from a seed.
 */
public final class Problems {
    private Problems() {}

    /** How the target is given. */
    public enum TargetKind {
        DENSE_ONE_HOT(DType.FLOAT32), DENSE_SOFT(DType.FLOAT32), UINT8(DType.UINT8), INT32(DType.INT32),
        INT64(DType.INT64);

        final DType dtype;

        TargetKind(DType dtype) {
            this.dtype = dtype;
        }

        public boolean labels() {
            return dtype.isInteger();
        }
    }

    /** Fraction of voxels carrying the ignore index (label targets only). */
    public enum IgnoreMode { NONE, SOME, ALL }

    /**
     * The logits' magnitudes (identity activation: always moderate probabilities). With a huge scale about half the
     * voxels get huge logits, the others moderate ones: all classes of a voxel equal (1e20, ±1e30), or distinct
     * (1e20 plus a few float steps, ties included; ±1e30 of random signs), where a log-sum-exp written as
     * max + ln Σ − z loses ln Σ.
     */
    public enum LogitScale { MODERATE, HUGE_EQUAL, HUGE_DISTINCT }

    /** A problem's structure; {@link #instance()} makes its data. */
    public record Problem(long[] shape, Activation activation, TargetKind kind, IgnoreMode ignore, boolean offHeap,
            long seed, LogitScale scale) {

        /** A problem with moderate logits. */
        public Problem(long[] shape, Activation activation, TargetKind kind, IgnoreMode ignore, boolean offHeap,
                long seed) {
            this(shape, activation, kind, ignore, offHeap, seed, LogitScale.MODERATE);
        }

        public Problem withScale(LogitScale newScale) {
            return new Problem(shape, activation, kind, ignore, offHeap, seed, newScale);
        }

        public long classes() {
            return shape[1];
        }

        public long ignoreIndex() {
            return kind == TargetKind.UINT8 ? 255 : -100;
        }

        public boolean hasIgnore() {
            return ignore != IgnoreMode.NONE;
        }

        public Instance instance() {
            return Problems.instance(this);
        }

        @Override
        public String toString() {
            return "Problem[shape=" + Arrays.toString(shape) + ", " + activation + ", " + kind + ", ignore=" + ignore
                    + (offHeap ? ", off-heap" : ", heap") + ", seed=" + seed
                    + (scale == LogitScale.MODERATE ? "" : ", " + scale) + "]";
        }
    }

    /** A problem's tensors. */
    public record Instance(Problem problem, Tensor logits, Tensor target) {}

    /** Sizes around lane counts (4, 8, 16) and the 64-vector accumulation block. */
    private static final int[] INTERESTING_SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 127, 129};

    public static Gen<Problem> problems() {
        Gen<Activation> activations = Generate.enumValues(Activation.class);
        Gen<TargetKind> kinds = Generate.enumValues(TargetKind.class);
        Gen<IgnoreMode> ignores = Generate.frequency(
                Pair.of(2, Generate.constant(IgnoreMode.NONE)),
                Pair.of(3, Generate.constant(IgnoreMode.SOME)),
                Pair.of(1, Generate.constant(IgnoreMode.ALL)));
        Gen<LogitScale> scales = Generate.frequency(
                Pair.of(3, Generate.constant(LogitScale.MODERATE)),
                Pair.of(1, Generate.constant(LogitScale.HUGE_EQUAL)),
                Pair.of(1, Generate.constant(LogitScale.HUGE_DISTINCT)));
        Gen<long[]> shapes = shapes();
        return shapes.zip(activations, kinds, ignores, longs().all(), (shape, activation, kind, ignore, seed) -> {
            long[] fixed = shape.clone();
            if (activation == Activation.SOFTMAX && fixed[1] == 1) {
                fixed[1] = 2;
            }
            IgnoreMode mode = kind.labels() ? ignore : IgnoreMode.NONE;
            return new Problem(fixed, activation, kind, mode, (seed & 1) == 0, seed);
        }).zip(scales, Problem::withScale).describedAs(Problem::toString);
    }

    /** Problems whose target is a label map (a dense kind is replaced by one of the label kinds). */
    public static Gen<Problem> labelProblems() {
        return problems().map(p -> withTargetFamily(p, true)).describedAs(Problem::toString);
    }

    /** Problems with the given activation and a label-map or a dense target. */
    public static Gen<Problem> problemsWith(Activation activation, boolean labels) {
        return problems().map(p -> withTargetFamily(new Problem(softmaxReady(p.shape(), activation),
                activation, p.kind(), p.ignore(), p.offHeap(), p.seed(), p.scale()), labels))
                .describedAs(Problem::toString);
    }

    private static Problem withTargetFamily(Problem p, boolean labels) {
        if (p.kind().labels() == labels) {
            return p;
        }
        TargetKind[] kinds = labels
                ? new TargetKind[] {TargetKind.UINT8, TargetKind.INT32, TargetKind.INT64}
                : new TargetKind[] {TargetKind.DENSE_ONE_HOT, TargetKind.DENSE_SOFT};
        TargetKind kind = kinds[(int) Math.floorMod(p.seed(), (long) kinds.length)];
        // Ignore modes only exist for label maps; a problem turned into one takes a mode from its seed.
        IgnoreMode ignore = labels ? IgnoreMode.values()[(int) Math.floorMod(p.seed() >> 3, 3L)] : IgnoreMode.NONE;
        return new Problem(p.shape(), p.activation(), kind, ignore, p.offHeap(), p.seed(), p.scale());
    }

    private static long[] softmaxReady(long[] shape, Activation activation) {
        long[] fixed = shape.clone();
        if (activation == Activation.SOFTMAX && fixed[1] == 1) {
            fixed[1] = 2;
        }
        return fixed;
    }

    /** (N, C, spatial…) with 1–3 spatial axes, N 1–3, C 1–16, at most ~60k elements. */
    public static Gen<long[]> shapes() {
        Gen<Integer> spatialSize = Generate.frequency(
                Pair.of(4, Generate.pick(Arrays.stream(INTERESTING_SIZES).boxed().toList())),
                Pair.of(3, integers().between(1, 40)),
                Pair.of(1, integers().between(1000, 2100)));
        Gen<Integer> classes = Generate.frequency(
                Pair.of(3, integers().between(1, 4)), Pair.of(1, integers().between(5, 16)));
        return integers().between(1, 3).zip(classes, integers().between(1, 3), spatialSize, spatialSize,
                (images, c, rank, first, second) -> {
                    long[] shape = new long[2 + rank];
                    shape[0] = images;
                    shape[1] = c;
                    shape[2] = first;
                    for (int axis = 3; axis < shape.length; axis++) {
                        shape[axis] = axis == 3 ? second : 1 + (first + second) % 5;
                    }
                    // Keep the scalar oracle quick: shrink the spatial extent until the tensor is small enough.
                    while (Arrays.stream(shape).reduce(1, Math::multiplyExact) > 60_000) {
                        int largest = 2;
                        for (int axis = 3; axis < shape.length; axis++) {
                            if (shape[axis] > shape[largest]) {
                                largest = axis;
                            }
                        }
                        shape[largest] = Math.max(1, shape[largest] / 2 + 1);
                    }
                    return shape;
                });
    }

    static Instance instance(Problem problem) {
        SplittableRandom random = new SplittableRandom(problem.seed());
        long[] shape = problem.shape();
        int images = (int) shape[0];
        int classes = (int) shape[1];
        int voxels = (int) (Arrays.stream(shape).reduce(1, Math::multiplyExact) / images / classes);
        Arena arena = problem.offHeap() ? Arena.ofAuto() : null;

        float[] logits = new float[images * classes * voxels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = problem.activation() == Activation.NONE ? probability(random) : logit(random);
        }
        if (problem.activation() != Activation.NONE && problem.scale() != LogitScale.MODERATE) {
            makeHalfTheVoxelsHuge(logits, images, classes, voxels, problem.scale(), random);
        }
        // Labels drawn from a random subset of classes, so that some classes are empty.
        int limit = classes == 1 ? 2 : classes;
        int[] present = random.ints(limit, 0, limit).toArray();
        int[] labels = new int[images * voxels];
        double ignoreFraction = switch (problem.ignore()) {
            case NONE -> 0;
            case SOME -> random.nextDouble(0.05, 0.6);
            case ALL -> 1;
        };
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextDouble() < ignoreFraction ? (int) problem.ignoreIndex()
                    : present[random.nextInt(1 + random.nextInt(present.length))];
        }
        Tensor logitTensor = Tensor.of(copy(arena, logits), DType.FLOAT32, shape);
        long[] labelShape = new long[shape.length - 1];
        labelShape[0] = images;
        System.arraycopy(shape, 2, labelShape, 1, shape.length - 2);
        if (random.nextBoolean()) {
            labelShape = shape.clone();
            labelShape[1] = 1;
        }
        Tensor target = switch (problem.kind()) {
            case DENSE_ONE_HOT, DENSE_SOFT -> {
                float[] dense = new float[logits.length];
                for (int n = 0; n < images; n++) {
                    for (int c = 0; c < classes; c++) {
                        for (int v = 0; v < voxels; v++) {
                            int label = labels[n * voxels + v];
                            int foreground = classes == 1 ? 1 : c;
                            dense[(n * classes + c) * voxels + v] = problem.kind() == TargetKind.DENSE_SOFT
                                    ? probability(random) : (label == foreground ? 1f : 0f);
                        }
                    }
                }
                yield Tensor.of(copy(arena, dense), DType.FLOAT32, shape);
            }
            case UINT8 -> {
                byte[] bytes = new byte[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    bytes[i] = (byte) labels[i];
                }
                MemorySegment segment = arena == null ? MemorySegment.ofArray(bytes)
                        : arena.allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes));
                yield Tensor.of(segment, DType.UINT8, labelShape);
            }
            case INT32 -> {
                MemorySegment segment = arena == null ? MemorySegment.ofArray(labels.clone())
                        : arena.allocate((long) labels.length * 4).copyFrom(MemorySegment.ofArray(labels));
                yield Tensor.of(segment, DType.INT32, labelShape);
            }
            case INT64 -> {
                long[] wide = Arrays.stream(labels).asLongStream().toArray();
                MemorySegment segment = arena == null ? MemorySegment.ofArray(wide)
                        : arena.allocate((long) wide.length * 8).copyFrom(MemorySegment.ofArray(wide));
                yield Tensor.of(segment, DType.INT64, labelShape);
            }
        };
        return new Instance(problem, logitTensor, target);
    }

    /** Logits: mostly moderate, sometimes ±80 (exp near the float range), sometimes exactly 0. */
    static float logit(SplittableRandom random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return random.nextBoolean() ? 80f : -80f;
        }
        if (kind == 1) {
            return 0f;
        }
        if (kind == 2) {
            return (float) random.nextDouble(-80, 80);
        }
        return (float) (random.nextGaussian() * 4);
    }

    /** Gives about half the voxels of each image huge logits of the scale's kind, in every class. */
    private static void makeHalfTheVoxelsHuge(float[] logits, int images, int classes, int voxels, LogitScale scale,
            SplittableRandom random) {
        float[] bases = {1e20f, -1e20f, 1e30f, -1e30f};
        for (int n = 0; n < images; n++) {
            for (int v = 0; v < voxels; v++) {
                if (random.nextBoolean()) {
                    continue;
                }
                float base = bases[random.nextInt(bases.length)];
                boolean signs = scale == LogitScale.HUGE_DISTINCT && random.nextBoolean();
                for (int c = 0; c < classes; c++) {
                    float value = base;
                    if (scale == LogitScale.HUGE_DISTINCT) {
                        // ±1e30 of random signs, or the base plus 0–2 float steps (8.8e12 at 1e20).
                        value = signs ? (random.nextBoolean() ? 1e30f : -1e30f)
                                : base + random.nextInt(3) * Math.ulp(base);
                    }
                    logits[(n * classes + c) * voxels + v] = value;
                }
            }
        }
    }

    static float probability(SplittableRandom random) {
        int kind = random.nextInt(10);
        return kind == 0 ? 0f : kind == 1 ? 1f : (float) random.nextDouble();
    }

    private static MemorySegment copy(Arena arena, float[] data) {
        if (arena == null) {
            return MemorySegment.ofArray(data);
        }
        MemorySegment segment = arena.allocate((long) data.length * Float.BYTES, 1);
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
        return segment;
    }

    /**
     * A loss with random options that fit the problem: variant, focal exponent (≥ 1) or log loss, squared or soft
     * label, smoothing, floor, batch, background, weights and normalization, empty policy, reduction, and the
     * problem's ignore index.
     */
    public static DiceLoss randomLoss(Problem problem, SplittableRandom random) {
        DiceLoss.Builder builder = DiceLoss.builder().activation(problem.activation());
        int variant = random.nextInt(3);
        if (variant == 1) {
            builder.variant(Variant.JACCARD);
        } else if (variant == 2) {
            builder.tversky(random.nextDouble(0, 1.5), random.nextDouble(0, 1.5));
        }
        if (random.nextInt(4) == 0) {
            builder.logLoss(true);
        } else if (random.nextInt(3) == 0) {
            builder.focalGamma(1 + random.nextInt(3) * 0.5);
        }
        boolean squared = variant != 2 && random.nextInt(4) == 0;
        builder.squared(squared);
        builder.softLabel(!squared && random.nextInt(3) == 0);
        builder.smoothNumerator(random.nextInt(3) == 0 ? 0 : random.nextDouble(1e-6, 2));
        builder.smoothDenominator(random.nextInt(4) == 0 ? 1e-7 : random.nextDouble(1e-5, 2));
        if (random.nextInt(4) == 0) {
            builder.denominatorFloor(random.nextDouble(0, 3));
        }
        builder.batch(random.nextBoolean());
        builder.includeBackground(problem.classes() == 1 || random.nextInt(3) != 0);
        if (random.nextBoolean()) {
            double[] weights = new double[(int) problem.classes()];
            for (int c = 0; c < weights.length; c++) {
                weights[c] = random.nextInt(5) == 0 ? 0 : random.nextDouble(0, 3);
            }
            builder.classWeights(weights).weightNormalization(random.nextBoolean() ? WeightNormalization.COUNT
                    : WeightNormalization.WEIGHT_SUM);
        }
        builder.emptyPolicy(EmptyPolicy.values()[random.nextInt(3)]);
        Reduction reduction = Reduction.values()[random.nextInt(3)];
        builder.reduction(reduction);
        if (reduction != Reduction.NONE && problem.activation() != Activation.NONE && random.nextInt(3) == 0) {
            // Dice + cross-entropy (λ_dice = 0 now and then: the cross-entropy alone).
            builder.lambdaCrossEntropy(random.nextDouble(0.1, 2))
                    .lambdaDice(random.nextInt(4) == 0 ? 0 : random.nextDouble(0.1, 2));
        }
        if (problem.hasIgnore()) {
            builder.ignoreIndex(problem.ignoreIndex());
        }
        return builder.build();
    }
}
