package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.GE;
import static org.dice4j.internal.vectorization.AccumulationStages.addInto;
import static org.dice4j.internal.vectorization.ActivationStages.loadLogits;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.internal.StatisticsPass;

/**
 * The cross-entropy stages: the chunk's cross-entropy sum and its unmasked voxels, added to class 0's block sums
 * (StatisticsPass#CROSS_ENTROPY, #VOXELS). They run after the accumulation stage, and read the softmax stage's
 * maximum and sum.
 */
final class CrossEntropyStages {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private CrossEntropyStages() {}

    /**
     * Adds the chunk's cross-entropy −Σ_c g·ln p to class 0's block sums, with −ln p_c = (max − z_c) + ln Σ e^(z − max)
     * from the softmax stage's maximum and sum (never the log of a rounded probability), and its unmasked voxels to
     * class 0's count.
     */
    static void accumulateCrossEntropySoftmax(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        if (pass.denseTarget()) {
            softmaxAgainstDense(pass, chunk, scratch, laneSums.blockSums);
        } else {
            softmaxAgainstLabels(chunk.count, scratch, laneSums.blockSums);
        }
    }

    /**
     * Against labels only the target class counts: its logit z_y was picked up by the maximum pass, so there is no
     * loop over the classes here (ignored voxels are left out by a masked add).
     */
    private static void softmaxAgainstLabels(int count, Scratch scratch, float[] sums) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] max = scratch.max;
        float[] logSum = scratch.expSum;
        int[] labels = scratch.labels;
        float[] targetLogit = scratch.targetLogit;
        FloatVector crossEntropy = zero;
        FloatVector counted = zero;
        for (int i = 0; i < count; i += LANES) {
            VectorMask<Float> unmasked = IntVector.fromArray(INTS, labels, i).compare(GE, 0).cast(FLOATS);
            // (max − z_y) + ln Σ: two non-negative terms, no cancellation (max + ln Σ − z_y would lose ln Σ).
            FloatVector minusLogP = FloatVector.fromArray(FLOATS, max, i)
                    .sub(FloatVector.fromArray(FLOATS, targetLogit, i))
                    .add(VectorMath.log(FloatVector.fromArray(FLOATS, logSum, i)));
            crossEntropy = crossEntropy.add(minusLogP, unmasked);
            counted = counted.add(one, unmasked);
        }
        addInto(sums, StatisticsPass.CROSS_ENTROPY * LANES, crossEntropy);
        addInto(sums, StatisticsPass.VOXELS * LANES, counted);
    }

    /** Against a dense target: −Σ_c g_c·ln p_c over every class, with ln Σ taken once per voxel. */
    private static void softmaxAgainstDense(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, float[] sums) {
        int count = chunk.count;
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] max = scratch.max;
        float[] logSum = scratch.expSum;
        MemorySegment logits = chunk.logits;
        MemorySegment target = chunk.target;
        FloatVector crossEntropy = FloatVector.zero(FLOATS);
        FloatVector counted = FloatVector.zero(FLOATS);
        for (int i = 0; i < count; i += LANES) {
            VectorMath.log(FloatVector.fromArray(FLOATS, logSum, i)).intoArray(logSum, i);
            counted = counted.add(one);
        }
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long plane = chunk.base + c * chunk.plane;
            long logitPlane = chunk.logitBase + c * chunk.logitPlane;
            for (int i = 0; i < count; i += LANES) {
                long at = plane + (long) i * Float.BYTES;
                FloatVector minusLogP = FloatVector.fromArray(FLOATS, max, i)
                        .sub(loadLogits(logits, logitPlane + (long) i * step, bf16))
                        .add(FloatVector.fromArray(FLOATS, logSum, i));
                crossEntropy = FloatVector.fromMemorySegment(FLOATS, target, at, NATIVE).fma(minusLogP, crossEntropy);
            }
        }
        addInto(sums, StatisticsPass.CROSS_ENTROPY * LANES, crossEntropy);
        addInto(sums, StatisticsPass.VOXELS * LANES, counted);
    }

    /**
     * Adds the chunk's binary cross-entropy with logits, max(z, 0) − z·g + ln(1 + e^−|z|), over the unmasked elements
     * to class 0's block sums, and the unmasked voxels to class 0's count. ln(1 + t) is ln u plus the rounding error of
     * u = 1 + t, so that it stays accurate for t below float's epsilon (a confident prediction's loss).
     */
    static void accumulateCrossEntropySigmoid(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        MemorySegment logits = chunk.logits;
        MemorySegment target = chunk.target;
        int[] labels = scratch.labels;
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
            long logitOffset = chunk.logitBase + c * chunk.logitPlane;
            FloatVector crossEntropy = zero;
            // One loop per target kind, as in the accumulation stages (a branch inside made C2 deoptimize in a loop).
            if (pass.denseTarget()) {
                for (int i = 0; i < count; i += LANES) {
                    long at = offset + (long) i * Float.BYTES;
                    FloatVector z = loadLogits(logits, logitOffset + (long) i * step, bf16);
                    FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, at, NATIVE);
                    crossEntropy = crossEntropy.add(binaryCrossEntropy(z, g, one));
                }
            } else {
                int foreground = pass.foregroundLabel(c);
                for (int i = 0; i < count; i += LANES) {
                    FloatVector z = loadLogits(logits, logitOffset + (long) i * step, bf16);
                    IntVector label = IntVector.fromArray(INTS, labels, i);
                    FloatVector g = zero.blend(one, label.eq(foreground).cast(FLOATS));
                    crossEntropy = crossEntropy.add(binaryCrossEntropy(z, g, one), label.compare(GE, 0).cast(FLOATS));
                }
            }
            addInto(laneSums.blockSums, StatisticsPass.CROSS_ENTROPY * LANES, crossEntropy);
        }
        addUnmaskedVoxels(pass.denseTarget(), labels, count, laneSums.blockSums);
    }

    /** Adds the chunk's unmasked voxels (all of them against a dense target) to class 0's count. */
    private static void addUnmaskedVoxels(boolean denseTarget, int[] labels, int count, float[] sums) {
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        FloatVector counted = FloatVector.zero(FLOATS);
        if (denseTarget) {
            for (int i = 0; i < count; i += LANES) {
                counted = counted.add(one);
            }
        } else {
            for (int i = 0; i < count; i += LANES) {
                counted = counted.add(one, IntVector.fromArray(INTS, labels, i).compare(GE, 0).cast(FLOATS));
            }
        }
        addInto(sums, StatisticsPass.VOXELS * LANES, counted);
    }

    /**
     * max(z, 0) − z·g + ln(1 + t) with t = e^−|z|: ln(1 + t) as ln u plus u's rounding error t − (u − 1), u = 1 + t.
     */
    private static FloatVector binaryCrossEntropy(FloatVector z, FloatVector g, FloatVector one) {
        FloatVector t = VectorMath.expNonPositive(z.abs().neg());
        FloatVector u = one.add(t);
        FloatVector log1p = VectorMath.log(u).add(t.sub(u.sub(one)));
        return z.neg().fma(g, z.max(0f)).add(log1p);
    }
}
