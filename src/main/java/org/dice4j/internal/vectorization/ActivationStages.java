package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;
import static org.dice4j.internal.vectorization.VectorConstants.SHORTS;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.Activation;
import org.dice4j.internal.StatisticsPass;

/**
 * The activation stages: the chunk's probabilities (sigmoid, identity or softmax) into the staged probabilities and
 * the per-voxel scale, and the stages that also store them into the gradient buffer for the gradient pass to read.
 *
 * <p>Every vector method creates its constants locally: a static final vector that enters a loop phi is boxed by C2
 * (measured: 15x slower and allocating on every iteration). Ignored voxels get probability 0 and label MASKED (matching
 * no class) here and in the label stage, so that they add nothing to any sum and the accumulation loops need no
 * validity mask.
 */
final class ActivationStages {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Voxels of a region chunk transposed at a time inside the softmax stage. */
    private static final int SOFTMAX_GROUP_VOXELS = CHUNK_VOXELS / 2;

    private ActivationStages() {}

    /** The logits of a vector of voxels at byte {@code offset}: float32, or bfloat16 widened (a 16-bit shift). */
    static FloatVector loadLogits(MemorySegment logits, long offset, boolean bf16) {
        if (bf16) {
            return ((IntVector) ShortVector.fromMemorySegment(SHORTS, logits, offset, NATIVE)
                    .convertShape(S2I, INTS, 0)).lanewise(LSHL, 16).reinterpretAsFloats();
        }
        return FloatVector.fromMemorySegment(FLOATS, logits, offset, NATIVE);
    }

    /**
     * Sigmoid (or identity) probabilities of every class for {@code count} voxels from {@code voxel}: class c at
     * {@code c × CHUNK_VOXELS}, with a scale of 1; 0 at ignored voxels when {@code maskIgnored}.
     */
    static void stageElementwise(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        int count = chunk.count;
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        MemorySegment logits = chunk.logits;
        float[] probabilities = scratch.probabilities;
        int[] labels = scratch.labels;
        Arrays.fill(scratch.scale, 0, count, 1f);
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.logitBase + c * chunk.logitPlane;
            int slot = c * CHUNK_VOXELS;
            if (maskIgnored) {
                for (int i = 0; i < count; i += LANES) {
                    FloatVector z = loadLogits(logits, offset + (long) i * step, bf16);
                    VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).cast(FLOATS);
                    z.blend(one.div(one.add(VectorMath.exp(z.neg()))), sigmoid).blend(zero, ignored)
                            .intoArray(probabilities, slot + i);
                }
            } else if (pass.activation() == Activation.SIGMOID) {
                for (int i = 0; i < count; i += LANES) {
                    FloatVector z = loadLogits(logits, offset + (long) i * step, bf16);
                    one.div(one.add(VectorMath.exp(z.neg()))).intoArray(probabilities, slot + i);
                }
            } else {
                for (int i = 0; i < count; i += LANES) {
                    loadLogits(logits, offset + (long) i * step, bf16)
                            .intoArray(probabilities, slot + i);
                }
            }
        }
    }

    /**
     * {@link #stageElementwise} and {@link #storeProbabilities} in one: for an unmasked sigmoid, each probability
     * goes to the staging array and to the gradient buffer from the same register (~10% of a forward+backward on
     * (16, 1, 256, 256) against a separate store stage); other cases run the two stages.
     */
    static void stageElementwiseStoring(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        int count = chunk.count;
        if (pass.activation() != Activation.SIGMOID || (pass.hasIgnore() && !pass.denseTarget())) {
            stageElementwise(pass, chunk, scratch, laneSums);
            storeProbabilities(pass, chunk, scratch, laneSums);
            return;
        }
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        MemorySegment logits = chunk.logits;
        MemorySegment gradient = chunk.gradient;
        float[] probabilities = scratch.probabilities;
        Arrays.fill(scratch.scale, 0, count, 1f);
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
            long logitOffset = chunk.logitBase + c * chunk.logitPlane;
            int slot = c * CHUNK_VOXELS;
            for (int i = 0; i < count; i += LANES) {
                long at = offset + (long) i * Float.BYTES;
                FloatVector z = loadLogits(logits, logitOffset + (long) i * step, bf16);
                FloatVector p = one.div(one.add(VectorMath.exp(z.neg())));
                p.intoArray(probabilities, slot + i);
                p.intoMemorySegment(gradient, at, NATIVE);
            }
        }
    }

    /**
     * Softmax of every class for {@code count} voxels from {@code voxel}: {@code e^(z − max)} of class c at
     * {@code c × CHUNK_VOXELS} and the per-voxel factor {@code 1/Σ e^(z − max)} in {@code scratch.scale}, whose product
     * is the probability. A voxel-major maximum pass, then class-major exp and sum (an inner loop over the chunk's
     * contiguous voxels per class). At an ignored voxel (label-map targets with an ignore index) the probabilities
     * are set to 0, with a scale of 1, whatever its logits.
     */
    static void stageSoftmax(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        int count = chunk.count;
        if (chunk.pendingLogits == null) {
            softmaxRange(pass, chunk, scratch, 0, count);
            return;
        }
        // Region chunks: each group's lines are transposed just before its exponentials, which then overlap the
        // loads of the next group's lines (transposing the whole chunk first: ~3% slower).
        int classes = pass.classes();
        long[] regionRows = scratch.regionRows(classes, chunk.regionStride);
        int lines = 0;
        for (int from = 0; from < count; from += SOFTMAX_GROUP_VOXELS) {
            int to = Math.min(from + SOFTMAX_GROUP_VOXELS, count);
            int needed = (to / LANES * classes + LANES - 1) / LANES;
            Transpose16.transpose(chunk.pendingLogits, chunk.pendingFirst, regionRows, scratch.stagedLogits, 0,
                    scratch.planarRows, lines, needed - lines);
            lines = needed;
            softmaxRange(pass, chunk, scratch, from, to);
        }
        chunk.pendingLogits = null;
    }

    /** The softmax of voxels [from, count) of the chunk, as described above. */
    private static void softmaxRange(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, int from, int count) {
        if (pass.crossEntropy() && !pass.denseTarget()) {
            maximaAndTargetLogits(pass, chunk, scratch, from, count);
        } else {
            maxima(pass, chunk, scratch.max, from, count);
        }
        exponentials(pass, chunk, scratch, from, count);
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        reciprocalSums(maskIgnored, scratch, from, count);
        if (maskIgnored) {
            zeroIgnored(pass.classes(), scratch, from, count);
        }
    }

    /**
     * Each voxel's maximum logit, voxel-major: the maxima stay in a register, and the loads of all class planes are in
     * flight together (a class-major pass, loading and storing the maxima per class, read memory at half the speed).
     */
    private static void maxima(StatisticsPass pass, ChunkCursor chunk, float[] max, int from, int count) {
        MemorySegment logits = chunk.logits;
        int classes = pass.classes();
        long planeBytes = chunk.logitPlane;
        long offset = chunk.logitBase;
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int i = from; i < count; i += LANES) {
            long at = offset + (long) i * step;
            FloatVector voxelMax = loadLogits(logits, at, bf16);
            for (int c = 1; c < classes; c++) {
                voxelMax = larger(voxelMax, loadLogits(logits, at + c * planeBytes, bf16));
            }
            voxelMax.intoArray(max, i);
        }
    }

    /**
     * As {@link #maxima}, and each voxel's target logit z_y, which the cross-entropy against labels needs: picked up
     * here, where every z is loaded.
     */
    private static void maximaAndTargetLogits(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, int from,
            int count) {
        MemorySegment logits = chunk.logits;
        int classes = pass.classes();
        int[] labels = scratch.labels;
        float[] max = scratch.max;
        float[] targetLogit = scratch.targetLogit;
        long planeBytes = chunk.logitPlane;
        long offset = chunk.logitBase;
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        for (int i = from; i < count; i += LANES) {
            long at = offset + (long) i * step;
            IntVector label = IntVector.fromArray(INTS, labels, i);
            FloatVector voxelMax = loadLogits(logits, at, bf16);
            FloatVector target = voxelMax;
            for (int c = 1; c < classes; c++) {
                FloatVector z = loadLogits(logits, at + c * planeBytes, bf16);
                voxelMax = larger(voxelMax, z);
                target = target.blend(z, label.eq(c).cast(FLOATS));
            }
            voxelMax.intoArray(max, i);
            target.intoArray(targetLogit, i);
        }
    }

    /** e^(z − max) of every class into the staged probabilities, class-major, and their per-voxel sum into scale. */
    private static void exponentials(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, int from, int count) {
        MemorySegment logits = chunk.logits;
        float[] probabilities = scratch.probabilities;
        float[] max = scratch.max;
        float[] scale = scratch.scale;
        int classes = pass.classes();
        long planeBytes = chunk.logitPlane;
        long offset = chunk.logitBase;
        int step = chunk.logitBytes;
        boolean bf16 = chunk.bf16Logits;
        Arrays.fill(scale, from, count, 0f);
        for (int c = 0; c < classes; c++) {
            long plane = offset + c * planeBytes;
            int slot = c * CHUNK_VOXELS;
            for (int i = from; i < count; i += LANES) {
                FloatVector z = loadLogits(logits, plane + (long) i * step, bf16);
                FloatVector e = VectorMath.expNonPositive(z.sub(FloatVector.fromArray(FLOATS, max, i)));
                e.intoArray(probabilities, slot + i);
                FloatVector.fromArray(FLOATS, scale, i).add(e).intoArray(scale, i);
            }
        }
    }

    /**
     * scale = 1/Σ exp (0 at ignored voxels when {@code maskIgnored}), the sum kept in expSum. The accumulation
     * multiplies by it: a normalization pass, with its loads and stores, cost more than that multiply (≈ 1.3x on 14
     * classes).
     */
    private static void reciprocalSums(boolean maskIgnored, Scratch scratch, int from, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Integer> matchIgnored = INTS.maskAll(maskIgnored);
        float[] scale = scratch.scale;
        float[] expSum = scratch.expSum;
        int[] labels = scratch.labels;
        for (int i = from; i < count; i += LANES) {
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(matchIgnored)
                    .cast(FLOATS);
            FloatVector sum = FloatVector.fromArray(FLOATS, scale, i);
            sum.intoArray(expSum, i);
            one.div(sum).blend(zero, ignored).intoArray(scale, i);
        }
    }

    /**
     * Ignored voxels: the products themselves blended to 0 (exp of garbage logits at an ignored voxel may be NaN),
     * then a scale of 1.
     */
    private static void zeroIgnored(int classes, Scratch scratch, int from, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        int[] labels = scratch.labels;
        for (int c = 0; c < classes; c++) {
            int slot = c * CHUNK_VOXELS;
            for (int i = from; i < count; i += LANES) {
                VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).cast(FLOATS);
                FloatVector.fromArray(FLOATS, probabilities, slot + i).mul(FloatVector.fromArray(FLOATS, scale, i))
                        .blend(zero, ignored).intoArray(probabilities, slot + i);
            }
        }
        Arrays.fill(scale, from, count, 1f);
    }

    /**
     * The larger of two logit vectors lane by lane, as a compare and a blend: {@code FloatVector.max} keeps Java's
     * rules for NaN and signed zeros in six instructions (VectorMath#atLeast). A NaN logit still makes its voxel's
     * softmax NaN: through the maximum before, through its own exponential now.
     */
    private static FloatVector larger(FloatVector current, FloatVector z) {
        return current.blend(z, z.compare(GT, current));
    }

    /** Writes probability = staged value × scale of every class of the chunk into {@code chunk.gradient}. */
    static void storeProbabilities(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        int count = chunk.count;
        MemorySegment gradient = chunk.gradient;
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        long planeBytes = chunk.plane;
        long offset = chunk.base;
        if (pass.classes() == 1) {
            // One plane: a plain loop over the voxels (no inner class loop) compiles tighter; 2x faster here.
            for (int i = 0; i < count; i += LANES) {
                FloatVector.fromArray(FLOATS, probabilities, i).mul(FloatVector.fromArray(FLOATS, scale, i))
                        .intoMemorySegment(gradient, offset + (long) i * Float.BYTES, NATIVE);
            }
            return;
        }
        // Voxel-major, as the maximum pass: all class planes' lines are written together (class-major: ~8% slower
        // on 14 classes).
        for (int i = 0; i < count; i += LANES) {
            FloatVector voxelScale = FloatVector.fromArray(FLOATS, scale, i);
            long at = offset + (long) i * Float.BYTES;
            for (int c = 0; c < pass.classes(); c++) {
                FloatVector.fromArray(FLOATS, probabilities, c * CHUNK_VOXELS + i).mul(voxelScale)
                        .intoMemorySegment(gradient, at + c * planeBytes, NATIVE);
            }
        }
    }
}
