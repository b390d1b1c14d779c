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
import java.lang.foreign.ValueLayout;
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
 * Statistics kernels on the incubating Vector API, vectorized across voxels (channels-first: every class of a
 * voxel vector sits at the same offset in its channel plane). Float lanes accumulate over blocks of
 * {@link #BLOCK_VECTORS} vectors, then each lane is added into a double; lanes are combined once per image in lane
 * order, so results do not depend on {@code reduceLanes}' unspecified order. The last {@code S mod LANES} voxels of
 * each image go through the scalar reference code.
 */
public final class VectorKernels implements Kernels {
    /** Vectors per float accumulation block: bounds float rounding error to ~64 additions per lane. */
    static final int BLOCK_VECTORS = 64;
    static final int BLOCK_VOXELS = BLOCK_VECTORS * LANES;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(FLOATS);
    private static final FloatVector ONE = FloatVector.broadcast(FLOATS, 1f);
    private static final int NO_LABEL = ScalarKernels.MASKED;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    public VectorKernels() {
        // Touch the constants so an unsupported width fails here and the provider falls back.
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
        Workspace ws = WORKSPACE.get().ensure(pass.classes());
        Arrays.fill(out, 0, pass.outputLength(), 0.0);
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        for (long n = 0; n < pass.images(); n++) {
            ws.clearLaneSums(pass.classes());
            if (pass.activation() == Activation.SOFTMAX) {
                for (long start = 0; start < vectorVoxels; start += BLOCK_VOXELS) {
                    softmaxBlock(pass, ws, n, start, Math.min(start + BLOCK_VOXELS, vectorVoxels));
                }
                ws.combineLanes(pass, out, n);
                ScalarKernels.softmaxRange(pass, out, n, vectorVoxels, pass.voxels());
            } else {
                for (long start = 0; start < vectorVoxels; start += BLOCK_VOXELS) {
                    long end = Math.min(start + BLOCK_VOXELS, vectorVoxels);
                    for (int c = 0; c < pass.classes(); c++) {
                        elementwiseBlock(pass, ws, n, c, start, end);
                    }
                }
                ws.combineLanes(pass, out, n);
                ScalarKernels.elementwiseRange(pass, out, n, vectorVoxels, pass.voxels());
            }
        }
    }

    /** Sigmoid or identity statistics of class c over voxels [start, end) of image n (a whole number of vectors). */
    private static void elementwiseBlock(StatisticsPass pass, Workspace ws, long n, int c, long start, long end) {
        MemorySegment logits = pass.logits();
        MemorySegment target = pass.target();
        boolean sigmoid = pass.activation() == Activation.SIGMOID;
        boolean dense = pass.denseTarget();
        boolean squared = pass.squared();
        boolean absDiff = pass.absDiff();
        int foreground = pass.foregroundLabel(c);
        long rowOffset = (n * pass.classes() + c) * pass.voxels() * Float.BYTES;
        // One accumulator per statistic; the exp chain between loads hides the add latency.
        FloatVector intersection = ZERO;
        FloatVector predSum = ZERO;
        FloatVector targetSum = ZERO;
        FloatVector absDiffSum = ZERO;
        for (long v = start; v < end; v += LANES) {
            long offset = rowOffset + v * Float.BYTES;
            FloatVector z = FloatVector.fromMemorySegment(FLOATS, logits, offset, NATIVE);
            FloatVector p = sigmoid ? ONE.div(ONE.add(z.neg().lanewise(EXP))) : z;
            FloatVector pq = squared ? p.mul(p) : p;
            if (dense) {
                FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset, NATIVE);
                intersection = p.fma(g, intersection);
                predSum = predSum.add(pq);
                targetSum = squared ? g.fma(g, targetSum) : targetSum.add(g);
                if (absDiff) {
                    absDiffSum = absDiffSum.add(p.sub(g).abs());
                }
            } else {
                IntVector labels = loadLabels(pass, ws, n, v);
                VectorMask<Float> valid = labels.compare(GE, 0).cast(FLOATS);
                VectorMask<Float> isForeground = labels.eq(foreground).cast(FLOATS);
                intersection = intersection.add(p, isForeground);
                predSum = predSum.add(pq, valid);
                targetSum = targetSum.add(ONE, isForeground);
                if (absDiff) {
                    FloatVector g = ZERO.blend(ONE, isForeground);
                    absDiffSum = absDiffSum.add(p.sub(g).abs(), valid);
                }
            }
        }
        ws.fold(intersection, c, StatisticsPass.INTERSECTION);
        ws.fold(predSum, c, StatisticsPass.PRED_SUM);
        ws.fold(targetSum, c, StatisticsPass.TARGET_SUM);
        ws.fold(absDiffSum, c, StatisticsPass.ABS_DIFF_SUM);
    }

    /** Softmax statistics of every class over voxels [start, end) of image n (a whole number of vectors). */
    private static void softmaxBlock(StatisticsPass pass, Workspace ws, long n, long start, long end) {
        MemorySegment logits = pass.logits();
        MemorySegment target = pass.target();
        int classes = pass.classes();
        boolean dense = pass.denseTarget();
        boolean squared = pass.squared();
        boolean absDiff = pass.absDiff();
        long planeBytes = pass.voxels() * Float.BYTES;
        long imageOffset = n * classes * planeBytes;
        float[] exps = ws.exps;
        float[] intersections = ws.blockIntersection;
        float[] predSums = ws.blockPredSum;
        float[] targetSums = ws.blockTargetSum;
        float[] absDiffSums = ws.blockAbsDiffSum;
        Arrays.fill(intersections, 0, classes * LANES, 0f);
        Arrays.fill(predSums, 0, classes * LANES, 0f);
        Arrays.fill(targetSums, 0, classes * LANES, 0f);
        Arrays.fill(absDiffSums, 0, classes * LANES, 0f);
        for (long v = start; v < end; v += LANES) {
            long voxelOffset = imageOffset + v * Float.BYTES;
            IntVector labels = null;
            VectorMask<Float> valid = null;
            if (!dense) {
                labels = loadLabels(pass, ws, n, v);
                valid = labels.compare(GE, 0).cast(FLOATS);
            }
            FloatVector max = FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset, NATIVE);
            for (int c = 1; c < classes; c++) {
                max = max.max(FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset + c * planeBytes, NATIVE));
            }
            FloatVector expSum = ZERO;
            for (int c = 0; c < classes; c++) {
                FloatVector e = FloatVector.fromMemorySegment(FLOATS, logits, voxelOffset + c * planeBytes, NATIVE)
                        .sub(max)
                        .lanewise(EXP);
                expSum = expSum.add(e);
                e.intoArray(exps, c * LANES);
            }
            FloatVector inverseSum = ONE.div(expSum);
            for (int c = 0; c < classes; c++) {
                int slot = c * LANES;
                FloatVector p = FloatVector.fromArray(FLOATS, exps, slot).mul(inverseSum);
                FloatVector pq = squared ? p.mul(p) : p;
                if (dense) {
                    FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, voxelOffset + c * planeBytes, NATIVE);
                    p.fma(g, FloatVector.fromArray(FLOATS, intersections, slot)).intoArray(intersections, slot);
                    pq.add(FloatVector.fromArray(FLOATS, predSums, slot)).intoArray(predSums, slot);
                    FloatVector gq = squared ? g.mul(g) : g;
                    gq.add(FloatVector.fromArray(FLOATS, targetSums, slot)).intoArray(targetSums, slot);
                    if (absDiff) {
                        p.sub(g).abs().add(FloatVector.fromArray(FLOATS, absDiffSums, slot))
                                .intoArray(absDiffSums, slot);
                    }
                } else {
                    VectorMask<Float> isClass = labels.eq(c).cast(FLOATS);
                    FloatVector.fromArray(FLOATS, intersections, slot).add(p, isClass).intoArray(intersections, slot);
                    FloatVector.fromArray(FLOATS, predSums, slot).add(pq, valid).intoArray(predSums, slot);
                    FloatVector.fromArray(FLOATS, targetSums, slot).add(ONE, isClass).intoArray(targetSums, slot);
                    if (absDiff) {
                        FloatVector g = ZERO.blend(ONE, isClass);
                        FloatVector.fromArray(FLOATS, absDiffSums, slot).add(p.sub(g).abs(), valid)
                                .intoArray(absDiffSums, slot);
                    }
                }
            }
        }
        ws.foldBlock(classes);
    }

    /**
     * The labels of voxels [v, v + LANES) of image n as ints, {@link ScalarKernels#MASKED} where the voxel is
     * ignored; throws for a label out of range.
     */
    private static IntVector loadLabels(StatisticsPass pass, Workspace ws, long n, long v) {
        long index = n * pass.voxels() + v;
        MemorySegment target = pass.target();
        IntVector labels;
        boolean ignoreMatchable;
        DType type = pass.targetType();
        if (type == DType.UINT8 && BYTES != null) {
            labels = ((IntVector) ByteVector.fromMemorySegment(BYTES, target, index, NATIVE).convertShape(B2I, INTS, 0))
                    .and(0xFF);
            ignoreMatchable = pass.hasIgnore() && pass.ignoreIndex() >= 0 && pass.ignoreIndex() <= 0xFF;
        } else if (type == DType.INT32) {
            labels = IntVector.fromMemorySegment(INTS, target, index * Integer.BYTES, NATIVE);
            ignoreMatchable = pass.hasIgnore() && pass.ignoreIndex() == (int) pass.ignoreIndex();
        } else {
            // int64 (no int64 species has as many lanes as the floats) or uint8 on a narrow machine: checked lane by lane.
            for (int lane = 0; lane < LANES; lane++) {
                ws.gatheredLabels[lane] = ScalarKernels.readLabel(pass, n, v + lane);
            }
            return IntVector.fromArray(INTS, ws.gatheredLabels, 0);
        }
        VectorMask<Integer> ignored = ignoreMatchable ? labels.eq((int) pass.ignoreIndex()) : INTS.maskAll(false);
        VectorMask<Integer> outOfRange = labels.compare(LT, 0).or(labels.compare(GE, pass.labelLimit())).andNot(ignored);
        if (outOfRange.anyTrue()) {
            int lane = outOfRange.firstTrue();
            throw pass.labelOutOfRange(n, v + lane, labels.lane(lane));
        }
        return labels.blend(NO_LABEL, ignored);
    }

    /** Per-thread scratch, grown to the largest class count seen, so that steady-state calls allocate nothing. */
    private static final class Workspace {
        float[] exps = new float[0];
        float[] blockIntersection = new float[0];
        float[] blockPredSum = new float[0];
        float[] blockTargetSum = new float[0];
        float[] blockAbsDiffSum = new float[0];
        /** Per (class, statistic, lane) double sums of one image: index (c * STATS + k) * LANES + lane. */
        double[] laneSums = new double[0];
        final float[] lanes = new float[LANES];
        final int[] gatheredLabels = new int[LANES];

        Workspace ensure(int classes) {
            int floats = classes * LANES;
            if (exps.length < floats) {
                exps = new float[floats];
                blockIntersection = new float[floats];
                blockPredSum = new float[floats];
                blockTargetSum = new float[floats];
                blockAbsDiffSum = new float[floats];
                laneSums = new double[floats * StatisticsPass.STATS];
            }
            return this;
        }

        void clearLaneSums(int classes) {
            Arrays.fill(laneSums, 0, classes * StatisticsPass.STATS * LANES, 0.0);
        }

        /** Adds each lane of a block accumulator to its double lane sum. */
        void fold(FloatVector accumulator, int c, int statistic) {
            accumulator.intoArray(lanes, 0);
            int base = (c * StatisticsPass.STATS + statistic) * LANES;
            for (int lane = 0; lane < LANES; lane++) {
                laneSums[base + lane] += lanes[lane];
            }
        }

        /** Adds the softmax block accumulators of every class to the double lane sums. */
        void foldBlock(int classes) {
            for (int c = 0; c < classes; c++) {
                int from = c * LANES;
                int base = c * StatisticsPass.STATS * LANES;
                for (int lane = 0; lane < LANES; lane++) {
                    laneSums[base + StatisticsPass.INTERSECTION * LANES + lane] += blockIntersection[from + lane];
                    laneSums[base + StatisticsPass.PRED_SUM * LANES + lane] += blockPredSum[from + lane];
                    laneSums[base + StatisticsPass.TARGET_SUM * LANES + lane] += blockTargetSum[from + lane];
                    laneSums[base + StatisticsPass.ABS_DIFF_SUM * LANES + lane] += blockAbsDiffSum[from + lane];
                }
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
                    out[(int) ((n * classes + c) * StatisticsPass.STATS + k)] = sum;
                }
            }
        }
    }
}
