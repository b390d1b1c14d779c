package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
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
 * The accumulation stages: I = Σ p·g, P = Σ p (or p²), G = Σ g (or g²) and the soft overlap Σ min(p, g) of every
 * class, from the chunk's staged probabilities (times the softmax's per-voxel scale where it is not 1) against a dense
 * target or the staged labels, added to the float block sums; and the stage that folds a finished block into the
 * double lane sums.
 *
 * <p>Every vector method creates its constants locally: a static final vector that enters a loop phi is boxed by C2
 * (measured: 15x slower and allocating on every iteration). The plain stages and their scaled twins share one body
 * with a constant {@code scaled} argument, as GradientStages#gradientSoftmaxLabelsPlain does with its staging flag.
 */
final class AccumulationStages {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private AccumulationStages() {}

    /** Ends a float accumulation block: every four chunks (BLOCK_VOXELS voxels) and at the end of the task. */
    static void closeBlock(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        if (chunk.closeBlock) {
            laneSums.foldBlockSums(pass.classes());
            laneSums.clearBlockSums(pass.classes());
        }
    }

    /** sums[at, at + LANES) += vector: a class's accumulator added to its block sums once per chunk. */
    static void addInto(float[] sums, int at, FloatVector vector) {
        vector.add(FloatVector.fromArray(FLOATS, sums, at)).intoArray(sums, at);
    }

    /** Adds class c's I, P and G accumulators to its block sums. */
    private static void addSums(float[] sums, int c, FloatVector intersection, FloatVector predSum,
            FloatVector targetSum) {
        int base = c * StatisticsPass.STATS * LANES;
        addInto(sums, base, intersection);
        addInto(sums, base + LANES, predSum);
        addInto(sums, base + 2 * LANES, targetSum);
    }

    /** The staged probability of vector {@code i} of a class at {@code slot}: times the voxels' scale if scaled. */
    private static FloatVector probability(float[] probabilities, float[] scale, int slot, int i, boolean scaled) {
        FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i);
        return scaled ? p.mul(FloatVector.fromArray(FLOATS, scale, i)) : p;
    }

    /** Adds I, P, G of every class against a dense target to the block sums, for a chunk of staged probabilities. */
    static void accumulateDense(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        accumulateDense(pass, chunk, scratch, laneSums, false);
    }

    /** As {@link #accumulateDense}, for staged values times the staged per-voxel scale (softmax). */
    static void accumulateDenseScaled(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        accumulateDense(pass, chunk, scratch, laneSums, true);
    }

    private static void accumulateDense(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums,
            boolean scaled) {
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment target = chunk.target;
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = probability(probabilities, scale, slot, i, scaled);
                FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
                intersection = p.fma(g, intersection);
                predSum = predSum.add(p);
                targetSum = targetSum.add(g);
            }
            addSums(laneSums.blockSums, c, intersection, predSum, targetSum);
        }
    }

    /** Adds I, P, G of every class against the staged labels to the block sums, for a chunk of staged probabilities. */
    static void accumulateLabels(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        accumulateLabels(pass, chunk, scratch, laneSums, false);
    }

    /** As {@link #accumulateLabels}, for staged values times the staged per-voxel scale (softmax). */
    static void accumulateLabelsScaled(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        accumulateLabels(pass, chunk, scratch, laneSums, true);
    }

    private static void accumulateLabels(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums,
            boolean scaled) {
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        int[] labels = scratch.labels;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = probability(probabilities, scale, slot, i, scaled);
                VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
                intersection = intersection.add(p, isForeground);
                predSum = predSum.add(p);
                targetSum = targetSum.add(one, isForeground);
            }
            addSums(laneSums.blockSums, c, intersection, predSum, targetSum);
        }
    }

    /** As {@link #accumulateDense}, with sums of squares (q = 2) and the soft-label overlap Σ min(p, g). */
    static void accumulateDenseWithOptions(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        MemorySegment target = chunk.target;
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        float[] sums = laneSums.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            FloatVector softIntersection = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = probability(probabilities, scale, slot, i, true);
                FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
                intersection = p.fma(g, intersection);
                predSum = p.fma(p.blend(one, linear), predSum);
                targetSum = g.fma(g.blend(one, linear), targetSum);
                softIntersection = softIntersection.add(p.min(g));
            }
            addSums(sums, c, intersection, predSum, targetSum);
            addInto(sums, c * StatisticsPass.STATS * LANES + 3 * LANES, softIntersection);
        }
    }

    /** As {@link #accumulateLabels}, with sums of squares (q = 2) and the soft-label overlap Σ min(p, g). */
    static void accumulateLabelsWithOptions(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        int[] labels = scratch.labels;
        float[] sums = laneSums.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            FloatVector softIntersection = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = probability(probabilities, scale, slot, i, true);
                VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
                FloatVector g = zero.blend(one, isForeground);
                intersection = intersection.add(p, isForeground);
                predSum = p.fma(p.blend(one, linear), predSum);
                targetSum = targetSum.add(g);
                softIntersection = softIntersection.add(p.min(g));
            }
            addSums(sums, c, intersection, predSum, targetSum);
            addInto(sums, c * StatisticsPass.STATS * LANES + 3 * LANES, softIntersection);
        }
    }
}
