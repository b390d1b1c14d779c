package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread staging arrays, grown to the largest class count seen, so that steady-state calls allocate nothing: what
 * one stage of a chunk writes and the next reads (labels, probabilities, softmax factors), the staged copies of
 * channels-last or half-precision chunks with their transpose tables, and the counting engine's arrays.
 */
final class Scratch {
    final int[] labels = new int[CHUNK_VOXELS];
    /** Staged probabilities: class c of a chunk at c × CHUNK_VOXELS. */
    float[] probabilities = new float[0];
    /** Softmax per-voxel maximum, and sum of exponentials then its reciprocal (1 for other activations). */
    final float[] max = new float[CHUNK_VOXELS];
    final float[] scale = new float[CHUNK_VOXELS];
    /** Softmax per-voxel Σ e^(z − max), then (dense cross-entropy) its logarithm. */
    final float[] expSum = new float[CHUNK_VOXELS];
    /** Each voxel's logit of its target class (softmax cross-entropy against labels). */
    final float[] targetLogit = new float[CHUNK_VOXELS];
    /**
     * Staged chunks, class c at c × CHUNK_VOXELS, off-heap like the callers' tensors (so that every load and store
     * site of the stages sees native segments only), and the interleaved chunk as read or written.
     */
    MemorySegment stagedLogits;
    MemorySegment stagedTarget;
    MemorySegment stagedGradient;
    float[] interleaved = new float[0];
    /** Lane l reads element l·C of the interleaved chunk: the gather and scatter map for C classes. */
    final int[] laneStride = new int[LANES];
    private int laneStrideClasses;
    /** Region chunks' labels: 16 rows of 16 ints, one per region, and lane j's offset among them. */
    final int[] labelRows = new int[LANES * LANES];
    final int[] regionLanes = new int[LANES];
    /**
     * Row tables of the region transposes (Transpose16): row j of block s at byte j·regionBytes + s·64 of the
     * chunk's first line (line s of region j), for the current region stride and class count.
     */
    private final long[] regionRows = new long[LANES * LANES];
    private long regionRowsStride = -1;
    private int regionRowsClasses = -1;
    /** Row l of block s to the planar staging: float 16s + l is class (16s + l) mod C of vector (16s + l) / C. */
    final long[] planarRows = new long[LANES * LANES];
    private int planarClasses = -1;
    /** The gradient coefficients of the current image in float. */
    final GradientCoefficients coefficients = new GradientCoefficients();
    /** The scalar gradient tail's per-voxel arrays, one value per class. */
    double[] tailProbabilities = new double[0];
    double[] tailByProbability = new double[0];
    /** The twin accumulation's per-lane sums of one class over a chunk: I, P, G (TwinStages). */
    final float[] twinLanes = new float[3 * LANES];
    /** The argmax of a chunk's voxels (hard metric). */
    final int[] predicted = new int[CHUNK_VOXELS];
    /** The (predicted, target) counts of each task of a count pass, C × C per task. */
    private long[] confusion = new long[0];

    Scratch() {
        for (int k = 0; k < LANES; k++) {
            regionLanes[k] = k * LANES;
        }
    }

    void ensure(int classes) {
        if (planarClasses != classes && classes <= LANES) {
            for (int f = 0; f < classes * LANES; f++) {
                planarRows[f] = ((long) (f % classes) * CHUNK_VOXELS + (long) (f / classes) * LANES) * Float.BYTES;
            }
            planarClasses = classes;
        }
        if (tailProbabilities.length < classes) {
            tailProbabilities = new double[classes];
            tailByProbability = new double[classes];
        }
        if (laneStrideClasses != classes) {
            for (int lane = 0; lane < LANES; lane++) {
                laneStride[lane] = lane * classes;
            }
            laneStrideClasses = classes;
        }
        if (probabilities.length < classes * CHUNK_VOXELS) {
            // An automatic arena: the staging lives as long as the thread's workspace.
            Arena staging = Arena.ofAuto();
            // At least LANES planes: a 16 × 16 transpose (Transpose16) reads and writes 16 of them.
            long stagingBytes = (long) Math.max(classes, LANES) * CHUNK_VOXELS * Float.BYTES;
            stagedLogits = staging.allocate(stagingBytes, 64);
            stagedTarget = staging.allocate(stagingBytes, 64);
            stagedGradient = staging.allocate(stagingBytes, 64);
            interleaved = new float[classes * CHUNK_VOXELS];
            probabilities = new float[classes * CHUNK_VOXELS];
        }
    }

    /** The region transposes' row table for {@code regionStride} voxels between regions of {@code classes} classes. */
    long[] regionRows(int classes, long regionStride) {
        if (regionRowsStride != regionStride || regionRowsClasses != classes) {
            long regionBytes = regionStride * classes * Float.BYTES;
            for (int line = 0; line < classes; line++) {
                for (int region = 0; region < LANES; region++) {
                    regionRows[line * LANES + region] = region * regionBytes + (long) line * LANES * Float.BYTES;
                }
            }
            regionRowsStride = regionStride;
            regionRowsClasses = classes;
        }
        return regionRows;
    }

    long[] confusion(int length) {
        if (confusion.length < length) {
            confusion = new long[length];
        }
        return confusion;
    }
}
