package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.VectorConstants.LANES;

/**
 * The sizes a pass is cut into: chunks (what the stages process at a time), accumulation blocks (how many chunks a
 * float sum spans) and tasks (what a thread takes).
 */
final class ChunkGeometry {
    /** Vectors per chunk: the staging arrays hold {@code classes × CHUNK_VECTORS} vectors. */
    static final int CHUNK_VECTORS = 16;
    static final int CHUNK_VOXELS = CHUNK_VECTORS * LANES;
    /** Vectors per float accumulation block: bounds float rounding to ~64 additions per lane before double. */
    static final int BLOCK_VECTORS = 4 * CHUNK_VECTORS;
    static final int BLOCK_VOXELS = BLOCK_VECTORS * LANES;
    /** Voxels per task of a pass: a multiple of BLOCK_VOXELS, so that no accumulation block straddles two tasks. */
    static final int TASK_VOXELS = 16 * BLOCK_VOXELS;
    /** Regions of a task read side by side by channels-last chunks (see PassDriver#regionStride): one per lane. */
    static final int REGIONS = LANES;

    private ChunkGeometry() {}
}
