package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LT;
import static org.dice4j.internal.vectorization.VectorConstants.BYTES;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.ScalarKernels;
import org.dice4j.internal.StatisticsPass;

/**
 * Statistics kernels on the incubating Vector API, vectorized across voxels: in channels-first data every class of
 * a voxel vector sits at the same offset of its channel plane.
 *
 * <p>Each image is cut into chunks of {@link #CHUNK_VECTORS} vectors. For a chunk, one stage writes the labels (as
 * checked ints) and the probabilities (sigmoid, softmax or identity) into small per-thread arrays; a second stage
 * accumulates the statistics of each class from them. Float lanes accumulate over blocks of {@link #BLOCK_VECTORS}
 * vectors, then each lane is added into a double; lanes are combined once per image in lane order, so results do
 * not depend on {@code reduceLanes}' unspecified order. The last {@code S mod LANES} voxels of each image go through
 * the scalar reference code.
 *
 * <p>Why stages: C2 stops inlining the Vector API's methods past a budget of inlined bytecode per compiled method;
 * past it, vectors become heap objects and every iteration allocates. A loop that fused activation, label decoding
 * and four accumulators exceeded the budget (and allocated 24 bytes per element); the staged loops are small
 * enough, and the staging arrays stay in L1.
 */
public final class VectorKernels implements Kernels {
    /** Vectors per chunk: the staging arrays hold {@code classes × CHUNK_VECTORS} vectors. */
    static final int CHUNK_VECTORS = 16;
    static final int CHUNK_VOXELS = CHUNK_VECTORS * LANES;
    /** Vectors per float accumulation block: bounds float rounding to ~64 additions per lane before double. */
    static final int BLOCK_VECTORS = 4 * CHUNK_VECTORS;
    static final int BLOCK_VOXELS = BLOCK_VECTORS * LANES;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int NO_LABEL = ScalarKernels.MASKED;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    public VectorKernels() {
        if (LANES < 4) {
            throw new UnsupportedOperationException("fewer than 4 float lanes");
        }
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String toString() {
        return "vector kernels: " + VectorConstants.describe();
    }

    @Override
    public void statistics(StatisticsPass pass, double[] out) {
        int classes = pass.classes();
        Workspace ws = WORKSPACE.get().ensure(classes);
        Arrays.fill(out, 0, pass.outputLength(), 0.0);
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        Activation activation = pass.activation();
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        boolean plainSums = !pass.squared() && !pass.absDiff();
        for (long n = 0; n < pass.images(); n++) {
            ws.clearLaneSums(classes);
            for (long block = 0; block < vectorVoxels; block += BLOCK_VOXELS) {
                long blockEnd = Math.min(block + BLOCK_VOXELS, vectorVoxels);
                ws.clearBlockSums(classes);
                for (long chunk = block; chunk < blockEnd; chunk += CHUNK_VOXELS) {
                    int count = (int) Math.min(CHUNK_VOXELS, blockEnd - chunk);
                    if (!pass.denseTarget()) {
                        stageLabels(pass, ws.labels, n, chunk, count);
                    }
                    if (activation == Activation.SOFTMAX) {
                        stageSoftmax(pass, ws, n, chunk, count, maskIgnored);
                    }
                    for (int c = 0; c < classes; c++) {
                        int slot = 0;
                        if (activation == Activation.SOFTMAX) {
                            slot = c * CHUNK_VOXELS;
                        } else {
                            stageElementwise(pass, ws, n, c, chunk, count, maskIgnored);
                        }
                        if (pass.denseTarget() && plainSums) {
                            accumulateDense(pass, ws, n, c, chunk, slot, count);
                        } else if (pass.denseTarget()) {
                            accumulateDenseWithOptions(pass, ws, n, c, chunk, slot, count);
                        } else if (plainSums) {
                            accumulateLabels(pass, ws, c, slot, count);
                        } else {
                            accumulateLabelsWithOptions(pass, ws, c, slot, count);
                        }
                    }
                }
                ws.foldBlockSums(classes);
            }
            ws.combineLanes(pass, out, n);
            if (activation == Activation.SOFTMAX) {
                ScalarKernels.softmaxRange(pass, out, n, vectorVoxels, pass.voxels());
            } else {
                ScalarKernels.elementwiseRange(pass, out, n, vectorVoxels, pass.voxels());
            }
        }
    }

    /*
     * Every vector method below creates its constants locally: a static final vector that enters a loop phi is
     * boxed by C2 (measured: 15x slower and allocating on every iteration).
     *
     * Ignored voxels get probability 0 and label MASKED (matching no class) at the staging step, so that they add
     * nothing to any sum and the accumulation loops need no validity mask.
     */

    /**
     * Sigmoid (or identity) probabilities of class c for {@code count} voxels from {@code voxel} into
     * {@code ws.probabilities[0, count)}, 0 at ignored voxels when {@code maskIgnored}.
     */
    private static void stageElementwise(StatisticsPass pass, Workspace ws, long n, int c, long voxel, int count,
            boolean maskIgnored) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        MemorySegment logits = pass.logits();
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        long offset = ((n * pass.classes() + c) * pass.voxels() + voxel) * Float.BYTES;
        if (maskIgnored) {
            for (int i = 0; i < count; i += LANES) {
                FloatVector z = FloatVector.fromMemorySegment(FLOATS, logits, offset + (long) i * Float.BYTES, NATIVE);
                VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).cast(FLOATS);
                z.blend(one.div(one.add(z.neg().lanewise(EXP))), sigmoid).blend(zero, ignored)
                        .intoArray(probabilities, i);
            }
        } else if (pass.activation() == Activation.SIGMOID) {
            for (int i = 0; i < count; i += LANES) {
                FloatVector z = FloatVector.fromMemorySegment(FLOATS, logits, offset + (long) i * Float.BYTES, NATIVE);
                one.div(one.add(z.neg().lanewise(EXP))).intoArray(probabilities, i);
            }
        } else {
            for (int i = 0; i < count; i += LANES) {
                FloatVector.fromMemorySegment(FLOATS, logits, offset + (long) i * Float.BYTES, NATIVE)
                        .intoArray(probabilities, i);
            }
        }
    }

    /**
     * Softmax probabilities of every class for {@code count} voxels from {@code voxel}: class c at
     * {@code c × CHUNK_VOXELS}. With {@code maskIgnored}, an ignored voxel's logits are replaced by 0 (so that
     * garbage there cannot overflow) and its probabilities by 0.
     */
    private static void stageSoftmax(StatisticsPass pass, Workspace ws, long n, long voxel, int count,
            boolean maskIgnored) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Integer> matchIgnored = INTS.maskAll(maskIgnored);
        MemorySegment logits = pass.logits();
        int classes = pass.classes();
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        long planeBytes = pass.voxels() * Float.BYTES;
        long offset = (n * classes * pass.voxels() + voxel) * Float.BYTES;
        for (int i = 0; i < count; i += LANES) {
            long voxelOffset = offset + (long) i * Float.BYTES;
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(matchIgnored)
                    .cast(FLOATS);
            FloatVector max = FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset, NATIVE);
            for (int c = 1; c < classes; c++) {
                max = max.max(FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset + c * planeBytes, NATIVE));
            }
            max = max.blend(zero, ignored);
            FloatVector expSum = zero;
            for (int c = 0; c < classes; c++) {
                FloatVector e = FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset + c * planeBytes, NATIVE)
                        .blend(zero, ignored).sub(max).lanewise(EXP);
                expSum = expSum.add(e);
                e.intoArray(probabilities, c * CHUNK_VOXELS + i);
            }
            FloatVector inverseSum = one.div(expSum).blend(zero, ignored);
            for (int c = 0; c < classes; c++) {
                int slot = c * CHUNK_VOXELS + i;
                FloatVector.fromArray(FLOATS, probabilities, slot).mul(inverseSum).intoArray(probabilities, slot);
            }
        }
    }

    /** Adds I, P, G of class c against a dense target, for {@code count} staged probabilities from {@code slot}. */
    private static void accumulateDense(StatisticsPass pass, Workspace ws, long n, int c, long voxel, int slot,
            int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment target = pass.target();
        float[] probabilities = ws.probabilities;
        long offset = ((n * pass.classes() + c) * pass.voxels() + voxel) * Float.BYTES;
        FloatVector intersection = zero;
        FloatVector predSum = zero;
        FloatVector targetSum = zero;
        for (int i = 0; i < count; i += LANES) {
            FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i);
            FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
            intersection = p.fma(g, intersection);
            predSum = predSum.add(p);
            targetSum = targetSum.add(g);
        }
        ws.addToBlockSums(c, intersection, predSum, targetSum, zero);
    }

    /** As {@link #accumulateDense}, with sums of squares (q = 2) or the absolute differences of the soft label. */
    private static void accumulateDenseWithOptions(StatisticsPass pass, Workspace ws, long n, int c, long voxel,
            int slot, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        MemorySegment target = pass.target();
        float[] probabilities = ws.probabilities;
        long offset = ((n * pass.classes() + c) * pass.voxels() + voxel) * Float.BYTES;
        FloatVector intersection = zero;
        FloatVector predSum = zero;
        FloatVector targetSum = zero;
        FloatVector absDiffSum = zero;
        for (int i = 0; i < count; i += LANES) {
            FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i);
            FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
            intersection = p.fma(g, intersection);
            predSum = p.fma(p.blend(one, linear), predSum);
            targetSum = g.fma(g.blend(one, linear), targetSum);
            absDiffSum = absDiffSum.add(p.sub(g).abs());
        }
        ws.addToBlockSums(c, intersection, predSum, targetSum, absDiffSum);
    }

    /** Adds I, P, G of class c against the staged labels, for {@code count} staged probabilities from {@code slot}. */
    private static void accumulateLabels(StatisticsPass pass, Workspace ws, int c, int slot, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        int foreground = pass.foregroundLabel(c);
        FloatVector intersection = zero;
        FloatVector predSum = zero;
        FloatVector targetSum = zero;
        for (int i = 0; i < count; i += LANES) {
            FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i);
            VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
            intersection = intersection.add(p, isForeground);
            predSum = predSum.add(p);
            targetSum = targetSum.add(one, isForeground);
        }
        ws.addToBlockSums(c, intersection, predSum, targetSum, zero);
    }

    /** As {@link #accumulateLabels}, with sums of squares (q = 2) or the absolute differences of the soft label. */
    private static void accumulateLabelsWithOptions(StatisticsPass pass, Workspace ws, int c, int slot, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        int foreground = pass.foregroundLabel(c);
        FloatVector intersection = zero;
        FloatVector predSum = zero;
        FloatVector targetSum = zero;
        FloatVector absDiffSum = zero;
        for (int i = 0; i < count; i += LANES) {
            FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i);
            VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
            FloatVector g = zero.blend(one, isForeground);
            intersection = intersection.add(p, isForeground);
            predSum = p.fma(p.blend(one, linear), predSum);
            targetSum = targetSum.add(g);
            absDiffSum = absDiffSum.add(p.sub(g).abs());
        }
        ws.addToBlockSums(c, intersection, predSum, targetSum, absDiffSum);
    }

    /**
     * Writes the labels of {@code count} voxels of image n from {@code voxel} into {@code labels} as ints, with
     * {@link ScalarKernels#MASKED} where the voxel is ignored; throws for a label out of range.
     */
    private static void stageLabels(StatisticsPass pass, int[] labels, long n, long voxel, int count) {
        long index = n * pass.voxels() + voxel;
        MemorySegment target = pass.target();
        DType type = pass.targetType();
        boolean ignoreMatchable;
        if (type == DType.UINT8 && BYTES != null) {
            for (int i = 0; i < count; i += LANES) {
                ((IntVector) ByteVector.fromMemorySegment(BYTES, target, index + i, NATIVE).convertShape(B2I, INTS, 0))
                        .and(0xFF).intoArray(labels, i);
            }
            ignoreMatchable = pass.hasIgnore() && pass.ignoreIndex() >= 0 && pass.ignoreIndex() <= 0xFF;
        } else if (type == DType.INT32) {
            for (int i = 0; i < count; i += LANES) {
                IntVector.fromMemorySegment(INTS, target, (index + i) * Integer.BYTES, NATIVE).intoArray(labels, i);
            }
            ignoreMatchable = pass.hasIgnore() && pass.ignoreIndex() == (int) pass.ignoreIndex();
        } else {
            // int64 (no int64 species has as many lanes as the floats) or uint8 on a narrow machine: lane by lane.
            for (int i = 0; i < count; i++) {
                labels[i] = ScalarKernels.readLabel(pass, n, voxel + i);
            }
            return;
        }
        VectorMask<Integer> matchIgnore = INTS.maskAll(ignoreMatchable);
        int ignore = (int) pass.ignoreIndex();
        int limit = pass.labelLimit();
        for (int i = 0; i < count; i += LANES) {
            IntVector label = IntVector.fromArray(INTS, labels, i);
            VectorMask<Integer> ignored = label.eq(ignore).and(matchIgnore);
            VectorMask<Integer> outOfRange = label.compare(LT, 0).or(label.compare(GE, limit)).andNot(ignored);
            if (outOfRange.anyTrue()) {
                int lane = outOfRange.firstTrue();
                throw pass.labelOutOfRange(n, voxel + i + lane, label.lane(lane));
            }
            label.blend(NO_LABEL, ignored).intoArray(labels, i);
        }
    }

    /** Per-thread scratch, grown to the largest class count seen, so that steady-state calls allocate nothing. */
    private static final class Workspace {
        final int[] labels = new int[CHUNK_VOXELS];
        /** Staged probabilities: class c of a softmax chunk at c × CHUNK_VOXELS. */
        float[] probabilities = new float[0];
        /** Float block sums: index (c × STATS + k) × LANES + lane. */
        float[] blockSums = new float[0];
        /** Double sums of one image, same index as the block sums. */
        double[] laneSums = new double[0];

        Workspace ensure(int classes) {
            if (probabilities.length < classes * CHUNK_VOXELS) {
                probabilities = new float[classes * CHUNK_VOXELS];
                blockSums = new float[classes * StatisticsPass.STATS * LANES];
                laneSums = new double[classes * StatisticsPass.STATS * LANES];
            }
            return this;
        }

        void clearLaneSums(int classes) {
            Arrays.fill(laneSums, 0, classes * StatisticsPass.STATS * LANES, 0.0);
        }

        void clearBlockSums(int classes) {
            Arrays.fill(blockSums, 0, classes * StatisticsPass.STATS * LANES, 0f);
        }

        /** Adds a chunk's four accumulators of class c to its block sums, in the order of the statistics. */
        void addToBlockSums(int c, FloatVector intersection, FloatVector predSum, FloatVector targetSum,
                FloatVector absDiffSum) {
            int base = c * StatisticsPass.STATS * LANES;
            addTo(intersection, base + StatisticsPass.INTERSECTION * LANES);
            addTo(predSum, base + StatisticsPass.PRED_SUM * LANES);
            addTo(targetSum, base + StatisticsPass.TARGET_SUM * LANES);
            addTo(absDiffSum, base + StatisticsPass.ABS_DIFF_SUM * LANES);
        }

        private void addTo(FloatVector sum, int index) {
            FloatVector.fromArray(FLOATS, blockSums, index).add(sum).intoArray(blockSums, index);
        }

        /** Adds every lane of the block sums to its double lane sum. */
        void foldBlockSums(int classes) {
            for (int i = 0; i < classes * StatisticsPass.STATS * LANES; i++) {
                laneSums[i] += blockSums[i];
            }
        }

        /** Writes image n's statistics: lanes added in lane order, for results independent of reduceLanes. */
        void combineLanes(StatisticsPass pass, double[] out, long n) {
            int classes = pass.classes();
            for (int c = 0; c < classes; c++) {
                for (int k = 0; k < StatisticsPass.STATS; k++) {
                    int base = (c * StatisticsPass.STATS + k) * LANES;
                    double sum = 0;
                    for (int lane = 0; lane < LANES; lane++) {
                        sum += laneSums[base + lane];
                    }
                    boolean computed = k != StatisticsPass.ABS_DIFF_SUM || pass.absDiff();
                    out[(int) ((n * classes + c) * StatisticsPass.STATS + k)] = computed ? sum : 0.0;
                }
            }
        }
    }
}
