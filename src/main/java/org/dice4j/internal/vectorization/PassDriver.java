package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.ChunkGeometry.BLOCK_VOXELS;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.ChunkGeometry.REGIONS;
import static org.dice4j.internal.vectorization.ChunkGeometry.TASK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.Parallelism;
import org.dice4j.internal.ScalarRanges;
import org.dice4j.internal.StatisticsPass;
import org.dice4j.internal.TaskGrid;

/**
 * Runs a list of stages over a pass: every image cut into tasks of TASK_VOXELS voxels (TaskGrid: boundaries from the
 * shape only), each task into chunks, each chunk through the stages; then, on the calling thread, the tasks' per-lane
 * double sums added in task order, the lanes combined once per image in lane order, and the last S mod LANES voxels
 * of each image computed by the reference (ScalarRanges). Results depend neither on {@code reduceLanes}' unspecified
 * order nor on the thread count.
 */
final class PassDriver {
    private PassDriver() {}

    /** The grid of {@code pass}'s vector voxels (an image's last S mod LANES voxels are its scalar tail). */
    private static TaskGrid grid(StatisticsPass pass) {
        return TaskGrid.of(pass.images(), pass.voxels() - pass.voxels() % LANES, TASK_VOXELS);
    }

    /** The pass's threads, or the calling thread alone for a small pass (TaskGrid#MIN_PARALLEL_ELEMENTS). */
    private static Parallelism parallelism(StatisticsPass pass) {
        return TaskGrid.parallelism(pass.parallelism(), pass.images() * pass.classes() * pass.voxels());
    }

    /**
     * Runs {@code plan} over every image into {@code out}, with {@code gradient} (or null) the segment its stages may
     * store probabilities into.
     */
    static void runStatistics(StatisticsPass pass, double[] out, Stage[] plan, MemorySegment gradient) {
        int classes = pass.classes();
        LaneSums sums = Workspace.current(classes).sums;
        Arrays.fill(out, 0, pass.outputLength(), 0.0);
        TaskGrid grid = grid(pass);
        int width = classes * StatisticsPass.STATS * LANES;
        double[] taskSums = sums.taskSums(Math.multiplyExact(grid.tasks(), width));
        parallelism(pass).run(grid.tasks(), task -> {
            Workspace worker = Workspace.current(classes);
            worker.cursor.gradient = gradient;
            try {
                worker.sums.clearLaneSums(classes);
                worker.sums.clearBlockSums(classes);
                runChunks(pass, worker, plan, grid.image(task), grid.from(task), grid.to(task));
                if (!pass.denseTarget() && grid.lastOfImage(task)) {
                    checkTailLabels(pass, grid.image(task), grid.vectorVoxels());
                }
                System.arraycopy(worker.sums.laneSums, 0, taskSums, task * width, width);
            } finally {
                worker.release();
            }
        });
        for (long n = 0; n < pass.images(); n++) {
            sums.clearLaneSums(classes);
            sums.addTasks(taskSums, grid.firstTask(n), grid.tasksPerImage(), width);
            sums.combineLanes(pass, out, n);
            if (pass.activation() == Activation.SOFTMAX) {
                ScalarRanges.softmaxRange(pass, out, n, grid.vectorVoxels(), pass.voxels());
            } else {
                ScalarRanges.elementwiseRange(pass, out, n, grid.vectorVoxels(), pass.voxels());
            }
        }
    }

    /** Runs {@code plan}, ending with a gradient stage, over every image; then the scalar tails of the gradient. */
    static void runGradient(GradientPass gradientPass, Stage[] plan, boolean staged) {
        StatisticsPass pass = gradientPass.statistics();
        TaskGrid grid = grid(pass);
        // Tasks write disjoint ranges of the gradient: any thread count gives the same bits.
        parallelism(pass).run(grid.tasks(), task -> {
            Workspace worker = Workspace.current(pass.classes());
            // Staged chunks: the stages write the staging buffer, STAGE_OUT the caller's gradient.
            worker.cursor.gradient = staged ? worker.scratch.stagedGradient : gradientPass.gradient();
            worker.cursor.output = gradientPass;
            worker.scratch.coefficients.use(gradientPass.coefficients());
            try {
                runChunks(pass, worker, plan, grid.image(task), grid.from(task), grid.to(task));
            } finally {
                worker.release();
            }
        });
        Scratch scratch = Workspace.current(pass.classes()).scratch;
        for (long n = 0; n < pass.images(); n++) {
            if (pass.activation() == Activation.SOFTMAX) {
                ScalarRanges.softmaxGradientRange(gradientPass, n, grid.vectorVoxels(), pass.voxels(),
                        scratch.tailProbabilities, scratch.tailByProbability);
            } else {
                ScalarRanges.elementwiseGradientRange(gradientPass, n, grid.vectorVoxels(), pass.voxels());
            }
        }
    }

    /**
     * Throws for the first label out of range, in the order the statistics pass would meet it: in tasks as the pass
     * (Parallelism rethrows the lowest-numbered task's exception), an image's last task checking its scalar tail too.
     */
    static void checkLabels(StatisticsPass pass) {
        TaskGrid grid = grid(pass).atLeastOnePerImage();
        parallelism(pass).run(grid.tasks(), task -> {
            Workspace worker = Workspace.current(pass.classes());
            try {
                runChunks(pass, worker, Plans.LABELS_ONLY, grid.image(task), grid.from(task), grid.to(task));
            } finally {
                worker.release();
            }
            if (grid.lastOfImage(task)) {
                checkTailLabels(pass, grid.image(task), grid.vectorVoxels());
            }
        });
    }

    /**
     * Throws for the first label out of range among image n's last S mod LANES voxels. Called from the image's last
     * task, so that every path reports the first bad label in image order (the tails' statistics come later).
     */
    private static void checkTailLabels(StatisticsPass pass, long n, long vectorVoxels) {
        for (long v = vectorVoxels; v < pass.voxels(); v++) {
            ScalarRanges.readLabel(pass, n, v);
        }
    }

    /**
     * Runs {@code plan} on the chunks of voxels [from, to) of image n (from a multiple of CHUNK_VOXELS): contiguous
     * chunks, or, for float32 channels-last logits of at most 16 classes, region chunks (see {@link #regionStride}).
     */
    private static void runChunks(StatisticsPass pass, Workspace ws, Stage[] plan, long n, long from, long to) {
        ChunkCursor chunk = ws.cursor;
        chunk.taskFrom = from;
        chunk.taskTo = to;
        chunk.regionStride = regionStride(pass, chunk, from, to);
        long contiguousFrom = from + REGIONS * chunk.regionStride;
        // Region chunks: chunk k holds voxels [k·LANES, (k + 1)·LANES) of each of the REGIONS regions.
        long chunks = chunk.regionStride / LANES;
        int chunksPerBlock = BLOCK_VOXELS / CHUNK_VOXELS;
        for (long k = 0; k < chunks; k++) {
            long voxel = from + k * LANES;
            chunk.closeBlock = k % chunksPerBlock == chunksPerBlock - 1 || k == chunks - 1;
            chunk.locate(pass, n, voxel, CHUNK_VOXELS);
            runStages(pass, ws, plan);
        }
        // Contiguous chunks: every other pass, and the last voxels of a task that region chunks do not fill.
        chunk.regionStride = 0;
        // With the vector plans only (the library's default) the chunk loop is the plain one: no per-chunk check.
        ColdStart coldStart = ColdStart.mode == ColdStart.Mode.VECTOR ? null : Plans.coldStart(plan);
        // A twin chunk of another plan says nothing of this one's speed.
        chunk.fastestTwinNanos = Long.MAX_VALUE;
        for (long voxel = contiguousFrom; voxel < to; voxel += CHUNK_VOXELS) {
            int count = (int) Math.min(CHUNK_VOXELS, to - voxel);
            long end = voxel + count;
            chunk.closeBlock = (end - from) % BLOCK_VOXELS == 0 || end == to;
            chunk.locate(pass, n, voxel, count);
            if (coldStart == null || coldStart.vectorOnly()) {
                runStages(pass, ws, plan);
            } else {
                coldStart.run(pass, ws);
            }
        }
    }

    static void runStages(StatisticsPass pass, Workspace ws, Stage[] plan) {
        // One call site for every stage, on purpose: it stays megamorphic, so C2 compiles each stage as its own
        // method. Inlined together into this loop, their vector code exceeded C2's inlining budget in some runs, and
        // vectors that are not intrinsified are heap objects (an allocation per iteration).
        for (Stage stage : plan) {
            stage.run(pass, ws.cursor, ws.scratch, ws.sums);
        }
    }

    /**
     * Region chunks: the voxels between the starts of the task's REGIONS regions, or 0 for contiguous chunks. The
     * first {@code (to − from)} rounded down to CHUNK_VOXELS voxels of a task of float32 channels-last logits (at most
     * 16 classes, a float32 gradient if any) are cut into 16 regions; chunk k holds voxels [k·LANES, (k + 1)·LANES)
     * of every region, so that lane j of a staged vector is region j. Line s of the 16 regions' blocks is loaded
     * together: 16 streams, each one line further per load, as a channels-first pass reads its class planes.
     * Contiguous chunks were read as one stream, C kilobytes at a time, which the hardware prefetchers did not run
     * ahead of (benchmarks.md, "Channels-last").
     */
    private static long regionStride(StatisticsPass pass, ChunkCursor chunk, long from, long to) {
        boolean eligible = LayoutStaging.interleaved(pass) && pass.logitType() == DType.FLOAT32
                && Transpose16.supports(pass.classes())
                && (chunk.output == null || chunk.output.gradientType() == DType.FLOAT32);
        return eligible ? (to - from) / CHUNK_VOXELS * CHUNK_VOXELS / REGIONS : 0;
    }
}
