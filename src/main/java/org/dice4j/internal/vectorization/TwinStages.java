package org.dice4j.internal.vectorization;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.ScalarRanges;
import org.dice4j.internal.StatisticsPass;

/**
 * Plain-Java twins of the stages of a contiguous softmax pass against a label map (no cross-entropy, plain sums):
 * the same per-lane float accumulators, the same operations in the same order and the same exp polynomial
 * (Math.fma is the vector fma's one rounding), so every bit is the vector stage's. C2 compiles them in milliseconds,
 * where a one-shot call spends a second in boxed, interpreted vector code before the vector stages are compiled
 * (ColdStart decides which runs a chunk). Operand order follows the vector code's, NaNs included.
 */
final class TwinStages {
    private TwinStages() {}

    /** As LabelStages#stageLabels, through the reference's label reader (its own path for int64 labels). */
    static void stageLabels(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        int[] labels = scratch.labels;
        long n = chunk.image;
        long voxel = chunk.voxel;
        int count = chunk.count;
        for (int i = 0; i < count; i++) {
            labels[i] = ScalarRanges.readLabel(pass, n, voxel + i);
        }
    }

    private static float logit(MemorySegment logits, long offset, boolean bf16) {
        return bf16 ? Float.intBitsToFloat(logits.get(JAVA_SHORT_UNALIGNED, offset) << 16)
                : logits.get(JAVA_FLOAT_UNALIGNED, offset);
    }

    /** As ActivationStages#stageSoftmax for contiguous chunks without the cross-entropy's target logits. */
    static void stageSoftmax(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        int count = chunk.count;
        int classes = pass.classes();
        float[] max = scratch.max;
        // Locals: a store into a segment makes C2 reload every field, and the loops read no field.
        MemorySegment logits = chunk.logits;
        boolean bf16 = chunk.bf16Logits;
        long step = chunk.logitBytes;
        long planeBytes = chunk.logitPlane;
        for (int i = 0; i < count; i++) {
            long at = chunk.logitBase + i * step;
            float voxelMax = logit(logits, at, bf16);
            for (int c = 1; c < classes; c++) {
                float z = logit(logits, at + c * planeBytes, bf16);
                voxelMax = z > voxelMax ? z : voxelMax;
            }
            max[i] = voxelMax;
        }
        exponentials(pass, chunk, scratch);
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        reciprocalSums(maskIgnored, scratch, count);
        if (maskIgnored) {
            zeroIgnored(classes, scratch, count);
        }
    }

    private static void exponentials(StatisticsPass pass, ChunkCursor chunk, Scratch scratch) {
        int count = chunk.count;
        float[] probabilities = scratch.probabilities;
        float[] max = scratch.max;
        float[] scale = scratch.scale;
        Arrays.fill(scale, 0, count, 0f);
        MemorySegment logits = chunk.logits;
        boolean bf16 = chunk.bf16Logits;
        long step = chunk.logitBytes;
        for (int c = 0; c < pass.classes(); c++) {
            long plane = chunk.logitBase + c * chunk.logitPlane;
            int slot = c * CHUNK_VOXELS;
            for (int i = 0; i < count; i++) {
                float e = expNonPositive(logit(logits, plane + i * step, bf16) - max[i]);
                probabilities[slot + i] = e;
                scale[i] = scale[i] + e;
            }
        }
    }

    private static void reciprocalSums(boolean maskIgnored, Scratch scratch, int count) {
        float[] scale = scratch.scale;
        int[] labels = scratch.labels;
        for (int i = 0; i < count; i++) {
            float sum = scale[i];
            scratch.expSum[i] = sum;
            scale[i] = labels[i] < 0 && maskIgnored ? 0f : 1f / sum;
        }
    }

    private static void zeroIgnored(int classes, Scratch scratch, int count) {
        float[] probabilities = scratch.probabilities;
        int[] labels = scratch.labels;
        for (int c = 0; c < classes; c++) {
            int slot = c * CHUNK_VOXELS;
            for (int i = 0; i < count; i++) {
                probabilities[slot + i] = labels[i] < 0 ? 0f : probabilities[slot + i] * scratch.scale[i];
            }
        }
        Arrays.fill(scratch.scale, 0, count, 1f);
    }

    /** VectorMath#expNonPositive of one value: the same operations, lane by lane. */
    static float expNonPositive(float x) {
        float clamped = x < VectorMath.MIN_ARGUMENT ? VectorMath.MIN_ARGUMENT : x;
        float shifted = Math.fma(clamped, VectorMath.LOG2_E, VectorMath.ROUNDING);
        float k = shifted - VectorMath.ROUNDING;
        float r = Math.fma(k, -VectorMath.LN2_HIGH, clamped);
        r = Math.fma(k, -VectorMath.LN2_LOW, r);
        float polynomial = Math.fma(r, 1.3814611001E-3f, 8.3687100353E-3f);
        polynomial = Math.fma(polynomial, r, 4.1668387409E-2f);
        polynomial = Math.fma(polynomial, r, 1.6666520688E-1f);
        polynomial = Math.fma(polynomial, r, 4.9999993451E-1f);
        float expRMinusOne = Math.fma(polynomial, r * r, r);
        float twoToK = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) + 127) << 23);
        return Math.fma(expRMinusOne, twoToK, twoToK);
    }

    /** As ActivationStages#storeProbabilities. */
    static void storeProbabilities(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        MemorySegment gradient = chunk.gradient;
        long planeBytes = chunk.plane;
        int classes = pass.classes();
        int count = chunk.count;
        for (int i = 0; i < count; i++) {
            long at = chunk.base + (long) i * Float.BYTES;
            for (int c = 0; c < classes; c++) {
                gradient.set(JAVA_FLOAT_UNALIGNED, at + c * planeBytes,
                        probabilities[c * CHUNK_VOXELS + i] * scale[i]);
            }
        }
    }

    /** As AccumulationStages#accumulateLabelsScaled: each class's lanes summed over the chunk, then into the block. */
    static void accumulateLabelsScaled(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        int[] labels = scratch.labels;
        float[] lanes = scratch.twinLanes;
        float[] sums = laneSums.blockSums;
        int count = chunk.count;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
            Arrays.fill(lanes, 0f);
            for (int i = 0; i < count; i++) {
                int lane = i % LANES;
                float p = probabilities[slot + i] * scale[i];
                if (labels[i] == foreground) {
                    lanes[lane] = lanes[lane] + p;
                    lanes[2 * LANES + lane] = lanes[2 * LANES + lane] + 1f;
                }
                lanes[LANES + lane] = lanes[LANES + lane] + p;
            }
            int base = c * StatisticsPass.STATS * LANES;
            for (int k = 0; k < 3 * LANES; k++) {
                sums[base + k] = lanes[k] + sums[base + k];
            }
        }
    }

    /** As GradientStages#gradientSoftmaxLabelsPlain, reading the probabilities stored in the gradient buffer. */
    static void gradientSoftmaxLabelsPlain(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, chunk.image);
        int[] labels = scratch.labels;
        int classes = pass.classes();
        long planeBytes = chunk.plane;
        int count = chunk.count;
        for (int i = 0; i < count; i++) {
            long at = chunk.base + (long) i * Float.BYTES;
            int label = labels[i];
            float weighted = 0f;
            float targetTerm = 0f;
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                float p = gradient.get(JAVA_FLOAT_UNALIGNED, at + c * planeBytes);
                weighted = Math.fma(p, coefficients[base + GradientPass.PREDICTION], weighted);
                targetTerm = label == pass.foregroundLabel(c) ? classTerm(p, coefficients, base) : targetTerm;
            }
            weighted = weighted + targetTerm;
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                long element = at + c * planeBytes;
                float p = gradient.get(JAVA_FLOAT_UNALIGNED, element);
                float value = p * (coefficients[base + GradientPass.PREDICTION] - weighted);
                value = label == pass.foregroundLabel(c) ? value + classTerm(p, coefficients, base) : value;
                gradient.set(JAVA_FLOAT_UNALIGNED, element, label < 0 ? 0f : value);
            }
        }
    }

    private static float classTerm(float p, float[] coefficients, int base) {
        return Math.fma(p, coefficients[base + GradientPass.TARGET], -coefficients[base + GradientPass.CROSS_ENTROPY]);
    }
}
