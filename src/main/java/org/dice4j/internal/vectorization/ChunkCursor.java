package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;

import java.lang.foreign.MemorySegment;
import org.dice4j.DType;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.StatisticsPass;

/**
 * The chunk the stages work on, per thread: which voxels, where its logits and dense target are read and its gradient
 * written, and the state one stage leaves for a later one of the same chunk. Set by PassDriver (and STAGE_IN for
 * staged chunks); released after every task, since workspaces outlive calls.
 */
final class ChunkCursor {
    /** The chunk: {@code count} voxels of image {@code image} from {@code voxel} (region 0's, for region chunks). */
    long image;
    long voxel;
    int count;
    /**
     * Where the chunk's stages read logits and a dense target, and write the gradient: class c of the chunk's first
     * voxel at byte {@code base + c·plane}. Channels-first: the caller's segments (plane = S floats); staged chunks:
     * the staging buffers (plane = CHUNK_VOXELS floats), filled by STAGE_IN.
     */
    MemorySegment logits;
    MemorySegment target;
    long base;
    long plane;
    /** The logits' own offsets: bfloat16 logits are read where they lie, 2 bytes an element. */
    long logitBase;
    long logitPlane;
    int logitBytes = Float.BYTES;
    boolean bf16Logits;
    /** The current task's voxels; for region chunks, the voxels between its regions (0: contiguous chunks). */
    long taskFrom;
    long taskTo;
    long regionStride;
    /** Whether the current chunk ends a float accumulation block. */
    boolean closeBlock;
    /** Region chunks under softmax: the caller's logits and the chunk's first byte, not yet transposed. */
    MemorySegment pendingLogits;
    long pendingFirst;
    /**
     * During a gradient call (or a statistics call storing p) only: the segment the stages write to (the caller's, or
     * the staging one for staged chunks).
     */
    MemorySegment gradient;
    /** During a gradient call only: the caller's pass, whose gradient STAGE_OUT writes staged chunks into. */
    GradientPass output;
    /**
     * ColdStart's timings of this thread, kept across calls: the last vector sample, the fastest twin chunk since
     * then and the twin chunks' total since then.
     */
    long vectorSampleNanos = ColdStart.INITIAL_SAMPLE_NANOS;
    long fastestTwinNanos = Long.MAX_VALUE;
    long twinNanosSinceSample;

    /** Points the stages at the caller's channels-first segments for the chunk at {@code voxel} of image n. */
    void locate(StatisticsPass pass, long n, long voxel, int count) {
        this.image = n;
        this.voxel = voxel;
        this.count = count;
        logits = pass.logits();
        target = pass.target();
        base = pass.element(n, 0, voxel) * Float.BYTES;
        plane = pass.voxels() * Float.BYTES;
        bf16Logits = pass.logitType() == DType.BFLOAT16;
        logitBytes = bf16Logits ? Short.BYTES : Float.BYTES;
        logitBase = pass.element(n, 0, voxel) * logitBytes;
        logitPlane = pass.voxels() * logitBytes;
    }

    /** Points the stages at the float32 channels-first staging (logits, and a dense target). */
    void pointAtStaging(StatisticsPass pass, Scratch scratch) {
        logits = scratch.stagedLogits;
        if (pass.denseTarget()) {
            target = scratch.stagedTarget;
        }
        base = 0;
        plane = (long) CHUNK_VOXELS * Float.BYTES;
        logitBase = 0;
        logitPlane = plane;
        logitBytes = Float.BYTES;
        bf16Logits = false;
    }

    /** Lets go of the caller's tensors (a worker's workspace lives as long as its thread, a confined arena's owner). */
    void release() {
        logits = null;
        target = null;
        pendingLogits = null;
        gradient = null;
        output = null;
    }
}
