package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.dice4j.internal.vectorization.VectorConstants.BYTES;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;
import static org.dice4j.internal.vectorization.VectorConstants.SHORTS;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.Kernels;
import org.dice4j.internal.Parallelism;
import org.dice4j.internal.ScalarRanges;
import org.dice4j.internal.StatisticsPass;

/**
 * Statistics kernels on the incubating Vector API, vectorized across voxels: in channels-first data every class of
 * a voxel vector sits at the same offset of its channel plane.
 *
 * <p>Each image is cut into chunks of {@link #CHUNK_VECTORS} vectors. For a chunk, one stage writes the labels (as
 * checked ints) and the probabilities (sigmoid, softmax or identity) into small per-thread arrays; a second stage
 * accumulates the statistics of each class from them. Float lanes accumulate over blocks of {@link #BLOCK_VECTORS}
 * vectors, then each lane is added into a double; a pass is cut into tasks of {@link #TASK_VOXELS} voxels whose
 * per-lane double sums are added in task order, and lanes are combined once per image in lane order, so results
 * depend neither on {@code reduceLanes}' unspecified order nor on the thread count. The last {@code S mod LANES}
 * voxels of each image go through the scalar reference code. The same chunks and tasks carry the gradient pass
 * (which may read probabilities the statistics pass stored in the gradient buffer) and the hard metric's counts.
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
    /** Regions of a task read side by side by channels-last chunks (see regionStride): one per lane. */
    static final int REGIONS = LANES;
    /** Voxels of a region chunk transposed at a time inside the softmax stage. */
    static final int SOFTMAX_GROUP_VOXELS = CHUNK_VOXELS / 2;

    static final int MAX_CONFUSION_CLASSES = 1024;
    /** Logits below which a pass stays on the calling thread (see parallelism(pass)). */
    static final long MIN_PARALLEL_ELEMENTS = 1 << 15;
    /** Voxels per task of a pass: a multiple of BLOCK_VOXELS, so that no accumulation block straddles two tasks. */
    static final int TASK_VOXELS = 16 * BLOCK_VOXELS;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int NO_LABEL = ScalarRanges.MASKED;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);
    /**
     * Workspaces of fork-join worker threads, which may not keep thread-locals: the common pool's workers erase
     * theirs after every task, and a thread-local workspace was rebuilt, staging included, on every call (52 KB per
     * call on two threads, measured). Weak keys: a worker that ends leaves nothing behind.
     */
    private static final Map<Thread, Workspace> WORKER_WORKSPACES = Collections.synchronizedMap(new WeakHashMap<>());

    /** The calling thread's workspace, kept across calls. */
    private static Workspace workspace() {
        Thread thread = Thread.currentThread();
        return thread instanceof ForkJoinWorkerThread
                ? WORKER_WORKSPACES.computeIfAbsent(thread, worker -> new Workspace()) : WORKSPACE.get();
    }

    /** Channels-last with more than one class (with one, both layouts hold the same bytes). */
    private static boolean interleaved(StatisticsPass pass) {
        return pass.channelsLast() && pass.classes() > 1;
    }

    /**
     * Whether the stages read staged float32 copies of each chunk: channels-last or float16 logits (bfloat16 logits in
     * channels-first order are read where they lie, widened by a shift).
     */
    private static boolean staged(StatisticsPass pass) {
        return interleaved(pass) || pass.logitType() == DType.FLOAT16;
    }

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
        Workspace ws = workspace().ensure(pass.classes());
        runStatistics(pass, ws, out, staged(pass) ? STAGED_PLANS.get(plan(pass)) : plan(pass), null);
    }

    /**
     * Statistics, and every probability written into {@code gradient} for the gradient pass to read (one float
     * store per element instead of a second exp). Labels are checked in a pass of their own first, so that a label
     * out of range throws before anything is written.
     */
    @Override
    public boolean statisticsForGradient(StatisticsPass pass, double[] out, MemorySegment gradient) {
        if (staged(pass)) {
            // Staged chunks: the gradient pass computes the activation again on its own staged copy. Storing p would
            // cost a transposed or converted write now and a read then; for region chunks, p copied untransposed into
            // each chunk's own bytes of the gradient buffer and read back was not faster (benchmarks.md).
            statistics(pass, out);
            return false;
        }
        Workspace ws = workspace().ensure(pass.classes());
        if (!pass.denseTarget()) {
            checkLabels(pass);
        }
        runStatistics(pass, ws, out, storingPlan(pass), gradient);
        return true;
    }

    /**
     * Runs {@code plan} over every image, cut into tasks of {@link #TASK_VOXELS} voxels (boundaries from the shape
     * only). Each task's per-lane double sums are kept apart and added in task order, so that the result has the same
     * bits on any number of threads.
     */
    private static void runStatistics(StatisticsPass pass, Workspace ws, double[] out, Stage[] plan,
            MemorySegment gradient) {
        int classes = pass.classes();
        Arrays.fill(out, 0, pass.outputLength(), 0.0);
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        int tasksPerImage = (int) ((vectorVoxels + TASK_VOXELS - 1) / TASK_VOXELS);
        int width = classes * StatisticsPass.STATS * LANES;
        int tasks = Math.toIntExact(pass.images() * tasksPerImage);
        double[] taskSums = ws.taskSums(Math.multiplyExact(tasks, width));
        parallelism(pass).run(tasks, task -> {
            long n = task / tasksPerImage;
            long from = (long) (task % tasksPerImage) * TASK_VOXELS;
            Workspace worker = workspace().ensure(classes);
            worker.gradient = gradient;
            try {
                worker.clearLaneSums(classes);
                worker.clearBlockSums(classes);
                runChunks(pass, worker, plan, n, from, Math.min(from + TASK_VOXELS, vectorVoxels));
                if (!pass.denseTarget() && task % tasksPerImage == tasksPerImage - 1) {
                    checkTailLabels(pass, n, vectorVoxels);
                }
                System.arraycopy(worker.laneSums, 0, taskSums, task * width, width);
            } finally {
                worker.gradient = null;
            }
        });
        for (long n = 0; n < pass.images(); n++) {
            ws.clearLaneSums(classes);
            for (int task = (int) n * tasksPerImage; task < (n + 1) * tasksPerImage; task++) {
                for (int i = 0; i < width; i++) {
                    ws.laneSums[i] += taskSums[task * width + i];
                }
            }
            ws.combineLanes(pass, out, n);
            if (pass.activation() == Activation.SOFTMAX) {
                ScalarRanges.softmaxRange(pass, out, n, vectorVoxels, pass.voxels());
            } else {
                ScalarRanges.elementwiseRange(pass, out, n, vectorVoxels, pass.voxels());
            }
        }
    }

    /**
     * The pass's threads, or the calling thread alone below {@link #MIN_PARALLEL_ELEMENTS} logits: handing tasks to
     * other threads costs ~15 µs, more than a small pass (measured: (4,3,32,32) softmax took 8 µs on one thread and
     * 24 µs on two; (4,3,64,64) 29 µs and 16 µs).
     */
    private static Parallelism parallelism(StatisticsPass pass) {
        return pass.images() * pass.classes() * pass.voxels() < MIN_PARALLEL_ELEMENTS ? Parallelism.SEQUENTIAL
                : pass.parallelism();
    }

    /**
     * Runs {@code plan} on the chunks of voxels [from, to) of image n (from a multiple of CHUNK_VOXELS): contiguous
     * chunks, or, for float32 channels-last logits of at most 16 classes, region chunks (see {@link #regionStride}).
     */
    private static void runChunks(StatisticsPass pass, Workspace ws, Stage[] plan, long n, long from, long to) {
        try {
            ws.taskFrom = from;
            ws.taskTo = to;
            ws.regionStride = regionStride(pass, ws, from, to);
            long contiguousFrom = from + REGIONS * ws.regionStride;
            // Region chunks: chunk k holds voxels [k·LANES, (k + 1)·LANES) of each of the REGIONS regions.
            long chunks = ws.regionStride / LANES;
            int chunksPerBlock = BLOCK_VOXELS / CHUNK_VOXELS;
            for (long k = 0; k < chunks; k++) {
                long voxel = from + k * LANES;
                ws.closeBlock = k % chunksPerBlock == chunksPerBlock - 1 || k == chunks - 1;
                ws.locate(pass, n, voxel);
                runStages(pass, ws, plan, n, voxel, CHUNK_VOXELS);
            }
            // Contiguous chunks: every other pass, and the last voxels of a task that region chunks do not fill.
            ws.regionStride = 0;
            for (long chunk = contiguousFrom; chunk < to; chunk += CHUNK_VOXELS) {
                int count = (int) Math.min(CHUNK_VOXELS, to - chunk);
                long end = chunk + count;
                ws.closeBlock = (end - from) % BLOCK_VOXELS == 0 || end == to;
                ws.locate(pass, n, chunk);
                runStages(pass, ws, plan, n, chunk, count);
            }
        } finally {
            // Workspaces outlive calls (a worker's lives as long as its thread): they must not keep the caller's
            // tensors, or a confined arena's owner thread, reachable.
            ws.logits = null;
            ws.target = null;
            ws.pendingLogits = null;
        }
    }

    private static void runStages(StatisticsPass pass, Workspace ws, Stage[] plan, long n, long voxel, int count) {
        // One call site for every stage, on purpose: it stays megamorphic, so C2 compiles each stage as its own
        // method. Inlined together into this loop, their vector code exceeded C2's inlining budget in some runs, and
        // vectors that are not intrinsified are heap objects (an allocation per iteration).
        for (Stage stage : plan) {
            stage.run(pass, ws, n, voxel, count);
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
    private static long regionStride(StatisticsPass pass, Workspace ws, long from, long to) {
        boolean eligible = interleaved(pass) && pass.logitType() == DType.FLOAT32
                && Transpose16.supports(pass.classes())
                && (ws.gradientOut == null || ws.gradientType == DType.FLOAT32);
        return eligible ? (to - from) / CHUNK_VOXELS * CHUNK_VOXELS / REGIONS : 0;
    }

    /**
     * Throws for the first label out of range, in the order the statistics pass would meet it: in tasks as the pass
     * (Parallelism rethrows the lowest-numbered task's exception), an image's last task checking its scalar tail too.
     */
    private static void checkLabels(StatisticsPass pass) {
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        int tasksPerImage = (int) Math.max(1, (vectorVoxels + TASK_VOXELS - 1) / TASK_VOXELS);
        parallelism(pass).run(Math.toIntExact(pass.images() * tasksPerImage), task -> {
            long n = task / tasksPerImage;
            long from = (long) (task % tasksPerImage) * TASK_VOXELS;
            long to = Math.min(from + TASK_VOXELS, vectorVoxels);
            runChunks(pass, workspace().ensure(pass.classes()), LABELS_ONLY, n, from, to);
            if (task % tasksPerImage == tasksPerImage - 1) {
                checkTailLabels(pass, n, vectorVoxels);
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
     * Argmax predictions against a label map run vectorized (up to {@link #MAX_CONFUSION_CLASSES} classes: the
     * per-image confusion counts are C × C); other kinds of count pass run on the reference code.
     */
    @Override
    public void counts(CountPass pass, long[] out) {
        if (pass.mode() == CountPass.Mode.THRESHOLD) {
            thresholdCounts(pass, out);
            return;
        }
        if (pass.mode() != CountPass.Mode.ARGMAX || pass.denseTarget() || pass.classes() > MAX_CONFUSION_CLASSES) {
            ScalarRanges.counts(pass, out);
            return;
        }
        Workspace ws = workspace().ensure(pass.classes());
        Arrays.fill(out, 0, pass.outputLength(), 0L);
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        int classes = pass.classes();
        int tasksPerImage = (int) ((vectorVoxels + TASK_VOXELS - 1) / TASK_VOXELS);
        int tasks = Math.toIntExact(pass.images() * tasksPerImage);
        int square = classes * classes;
        // Counts are integers: the tasks' confusion counts add up to the same numbers in any order. In parallel each
        // task has its own C × C counts (while they stay below 32 MB); on one thread an image's tasks share one.
        boolean parallel = pass.parallelism().threads() > 1 && (long) tasks * square <= 1 << 22
                && pass.images() * classes * pass.voxels() >= MIN_PARALLEL_ELEMENTS;
        if (parallel) {
            long[] confusion = ws.confusion(tasks * square);
            Arrays.fill(confusion, 0, tasks * square, 0L);
            pass.parallelism().run(tasks, task -> tallyTask(pass, confusion, task * square, task / tasksPerImage,
                    (long) (task % tasksPerImage) * TASK_VOXELS, vectorVoxels));
        }
        for (long n = 0; n < pass.images(); n++) {
            long[] confusion;
            int first;
            int stride;
            if (parallel) {
                confusion = ws.confusion(tasks * square);
                first = (int) n * tasksPerImage;
                stride = square;
            } else {
                confusion = ws.confusion(square);
                Arrays.fill(confusion, 0, square, 0L);
                for (long from = 0; from < vectorVoxels; from += TASK_VOXELS) {
                    tallyTask(pass, confusion, 0, n, from, vectorVoxels);
                }
                first = 0;
                stride = 0;
            }
            int taskCount = parallel ? tasksPerImage : 1;
            // |A∩B| on the diagonal, |A| a row sum, |B| a column sum of the (predicted, target) confusion matrix.
            for (int task = 0; task < taskCount; task++) {
                int at = (first + task) * stride;
                for (int c = 0; c < classes; c++) {
                    int base = (int) ((n * classes + c) * CountPass.COUNTS);
                    for (int k = 0; k < classes; k++) {
                        out[base + CountPass.PREDICTED] += confusion[at + c * classes + k];
                        out[base + CountPass.TARGET] += confusion[at + k * classes + c];
                    }
                    out[base + CountPass.INTERSECTION] += confusion[at + c * classes + c];
                }
            }
            ScalarRanges.countRange(pass, out, n, vectorVoxels, pass.voxels());
        }
    }

    /**
     * Per-channel thresholds (sigmoid or a raw score against θ): A = {z > t}, B = the label's class or {g ≥ 0.5},
     * counted with mask popcounts per task (integers: any order, any thread count), the scalar reference for the
     * last S mod LANES voxels.
     */
    private static void thresholdCounts(CountPass pass, long[] out) {
        Arrays.fill(out, 0, pass.outputLength(), 0L);
        int classes = pass.classes();
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        int tasksPerImage = (int) ((vectorVoxels + TASK_VOXELS - 1) / TASK_VOXELS);
        int tasks = Math.toIntExact(pass.images() * tasksPerImage);
        long[] taskCounts = workspace().ensure(classes).confusion(Math.multiplyExact(tasks, classes * CountPass.COUNTS));
        Arrays.fill(taskCounts, 0, tasks * classes * CountPass.COUNTS, 0L);
        Parallelism parallelism = pass.images() * classes * pass.voxels() < MIN_PARALLEL_ELEMENTS
                ? Parallelism.SEQUENTIAL : pass.parallelism();
        parallelism.run(tasks, task -> {
            long n = task / tasksPerImage;
            long from = (long) (task % tasksPerImage) * TASK_VOXELS;
            long to = Math.min(from + TASK_VOXELS, vectorVoxels);
            Workspace worker = workspace().ensure(classes);
            for (long chunk = from; chunk < to; chunk += CHUNK_VOXELS) {
                int count = (int) Math.min(CHUNK_VOXELS, to - chunk);
                thresholdChunk(pass, worker, taskCounts, task * classes * CountPass.COUNTS, n, chunk, count);
            }
        });
        for (long n = 0; n < pass.images(); n++) {
            for (int task = (int) n * tasksPerImage; task < (n + 1) * tasksPerImage; task++) {
                for (int k = 0; k < classes * CountPass.COUNTS; k++) {
                    out[(int) (n * classes * CountPass.COUNTS) + k] += taskCounts[task * classes * CountPass.COUNTS + k];
                }
            }
            ScalarRanges.countRange(pass, out, n, vectorVoxels, pass.voxels());
        }
    }

    private static void thresholdChunk(CountPass pass, Workspace ws, long[] counts, int at, long n, long voxel,
            int count) {
        int classes = pass.classes();
        boolean labels = !pass.denseTarget();
        if (labels) {
            stageCountLabels(pass, ws.labels, n, voxel, count);
        }
        float threshold = pass.threshold();
        for (int c = 0; c < classes; c++) {
            long offset = ((n * classes + c) * pass.voxels() + voxel) * Float.BYTES;
            int foreground = pass.foregroundLabel(c);
            long both = 0;
            long predicted = 0;
            long target = 0;
            for (int i = 0; i < count; i += LANES) {
                long at2 = offset + (long) i * Float.BYTES;
                VectorMask<Float> inA = FloatVector.fromMemorySegment(FLOATS, pass.prediction(), at2, NATIVE)
                        .compare(GT, threshold);
                VectorMask<Float> valid;
                VectorMask<Float> inB;
                if (labels) {
                    IntVector label = IntVector.fromArray(INTS, ws.labels, i);
                    valid = label.compare(GE, 0).cast(FLOATS);
                    inB = label.eq(foreground).cast(FLOATS);
                } else {
                    valid = FLOATS.maskAll(true);
                    inB = FloatVector.fromMemorySegment(FLOATS, pass.target(), at2, NATIVE).compare(GE, 0.5f);
                }
                inA = inA.and(valid);
                both += inA.and(inB).trueCount();
                predicted += inA.trueCount();
                target += inB.trueCount();
            }
            counts[at + c * CountPass.COUNTS + CountPass.INTERSECTION] += both;
            counts[at + c * CountPass.COUNTS + CountPass.PREDICTED] += predicted;
            counts[at + c * CountPass.COUNTS + CountPass.TARGET] += target;
        }
    }

    /** The raw target label at {@code index} of a count pass's label map (uint8 read unsigned). */
    private static long targetLabel(CountPass pass, MemorySegment target, long index) {
        return switch (pass.targetType()) {
            case UINT8 -> Byte.toUnsignedLong(target.get(java.lang.foreign.ValueLayout.JAVA_BYTE, index));
            case INT32 -> target.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, index);
            default -> target.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, index);
        };
    }

    /** The target labels of a count pass's chunk as ints, {@link #NO_LABEL} where ignored; throws out of range. */
    private static void stageCountLabels(CountPass pass, int[] labels, long n, long voxel, int count) {
        long index = n * pass.voxels() + voxel;
        int limit = pass.labelLimit();
        MemorySegment target = pass.target();
        for (int i = 0; i < count; i++) {
            long label = targetLabel(pass, target, index + i);
            if (pass.hasIgnore() && label == pass.ignoreIndex()) {
                labels[i] = NO_LABEL;
                continue;
            }
            if (label < 0 || label >= limit) {
                throw pass.labelOutOfRange("target", n, voxel + i, label);
            }
            labels[i] = (int) label;
        }
    }

    /** Tallies the voxels [from, from + TASK_VOXELS) of image n (capped at vectorVoxels) into confusion[at…]. */
    private static void tallyTask(CountPass pass, long[] confusion, int at, long n, long from, long vectorVoxels) {
        long to = Math.min(from + TASK_VOXELS, vectorVoxels);
        int[] predicted = workspace().predicted;
        for (long chunk = from; chunk < to; chunk += CHUNK_VOXELS) {
            int count = (int) Math.min(CHUNK_VOXELS, to - chunk);
            argmaxChunk(pass, predicted, n, chunk, count);
            tallyChunk(pass, predicted, confusion, at, n, chunk, count);
        }
    }

    /**
     * The first class of maximal score of {@code count} voxels from {@code voxel} into {@code predicted}: voxel-major,
     * the running maximum and its class in registers, a strict comparison so that ties keep the first class.
     */
    private static void argmaxChunk(CountPass pass, int[] predicted, long n, long voxel, int count) {
        MemorySegment scores = pass.prediction();
        long planeBytes = pass.voxels() * Float.BYTES;
        long offset = (n * pass.classes() * pass.voxels() + voxel) * Float.BYTES;
        IntVector zero = IntVector.zero(INTS);
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            FloatVector best = FloatVector.fromMemorySegment(FLOATS, scores, at, NATIVE);
            IntVector bestClass = zero;
            for (int c = 1; c < pass.classes(); c++) {
                FloatVector score = FloatVector.fromMemorySegment(FLOATS, scores, at + c * planeBytes, NATIVE);
                VectorMask<Float> greater = score.compare(GT, best);
                best = best.blend(score, greater);
                bestClass = bestClass.blend(c, greater.cast(INTS));
            }
            bestClass.intoArray(predicted, i);
        }
    }

    /** Adds each voxel's (predicted, target) pair of the chunk to the confusion counts; checks target labels. */
    private static void tallyChunk(CountPass pass, int[] predicted, long[] confusion, int at, long n, long voxel,
            int count) {
        int classes = pass.classes();
        MemorySegment target = pass.target();
        long index = n * pass.voxels() + voxel;
        int limit = pass.labelLimit();
        for (int i = 0; i < count; i++) {
            long label = targetLabel(pass, target, index + i);
            if (pass.hasIgnore() && label == pass.ignoreIndex()) {
                continue;
            }
            if (label < 0 || label >= limit) {
                throw pass.labelOutOfRange("target", n, voxel + i, label);
            }
            confusion[at + predicted[i] * classes + (int) label]++;
        }
    }

    @Override
    public void gradient(GradientPass gradientPass) {
        StatisticsPass pass = gradientPass.statistics();
        boolean staged = staged(pass) || gradientPass.gradientType() != DType.FLOAT32;
        Stage[] plan = staged ? STAGED_PLANS.get(gradientPlan(pass, false))
                : gradientPlan(pass, gradientPass.probabilitiesStored());
        long vectorVoxels = pass.voxels() - pass.voxels() % LANES;
        int tasksPerImage = (int) ((vectorVoxels + TASK_VOXELS - 1) / TASK_VOXELS);
        // Tasks write disjoint ranges of the gradient: any thread count gives the same bits.
        parallelism(pass).run(Math.toIntExact(pass.images() * tasksPerImage), task -> {
            long n = task / tasksPerImage;
            long from = (long) (task % tasksPerImage) * TASK_VOXELS;
            Workspace worker = workspace().ensure(pass.classes());
            // Staged chunks: the stages write the staging buffer, STAGE_OUT the caller's gradient.
            worker.gradient = staged ? worker.stagedGradient : gradientPass.gradient();
            worker.gradientOut = gradientPass.gradient();
            worker.gradientType = gradientPass.gradientType();
            worker.coefficients = gradientPass.coefficients();
            worker.coefficientImage = -1;
            try {
                runChunks(pass, worker, plan, n, from, Math.min(from + TASK_VOXELS, vectorVoxels));
            } finally {
                worker.gradient = null;
                worker.gradientOut = null;
                worker.coefficients = null;
            }
        });
        Workspace ws = workspace().ensure(pass.classes());
        for (long n = 0; n < pass.images(); n++) {
            if (pass.activation() == Activation.SOFTMAX) {
                ScalarRanges.softmaxGradientRange(gradientPass, n, vectorVoxels, pass.voxels(),
                        ws.tailProbabilities, ws.tailByProbability);
            } else {
                ScalarRanges.elementwiseGradientRange(gradientPass, n, vectorVoxels, pass.voxels());
            }
        }
    }

    /**
     * One step of a chunk's processing. Every stage is a method reference of its own class, so that the one call site
     * in {@link #runChunks} stays megamorphic.
     */
    @FunctionalInterface
    private interface Stage {
        void run(StatisticsPass pass, Workspace ws, long n, long voxel, int count);
    }

    private static final Stage STAGE_LABELS = VectorKernels::stageLabels;

    private static final Stage STAGE_ELEMENTWISE = VectorKernels::stageElementwise;

    private static final Stage STAGE_SOFTMAX = VectorKernels::stageSoftmax;
    private static final Stage STAGE_ELEMENTWISE_STORING = VectorKernels::stageElementwiseStoring;

    private static final Stage ACCUMULATE_DENSE = VectorKernels::accumulateDense;

    private static final Stage ACCUMULATE_DENSE_SCALED = VectorKernels::accumulateDenseScaled;

    private static final Stage ACCUMULATE_LABELS_SCALED = VectorKernels::accumulateLabelsScaled;

    private static final Stage ACCUMULATE_DENSE_WITH_OPTIONS = VectorKernels::accumulateDenseWithOptions;

    private static final Stage ACCUMULATE_LABELS = VectorKernels::accumulateLabels;

    private static final Stage ACCUMULATE_LABELS_WITH_OPTIONS = VectorKernels::accumulateLabelsWithOptions;

    private static final Stage CROSS_ENTROPY_SOFTMAX = VectorKernels::accumulateCrossEntropySoftmax;

    private static final Stage CROSS_ENTROPY_SIGMOID = VectorKernels::accumulateCrossEntropySigmoid;

    /** Ends a float accumulation block: every four chunks (BLOCK_VOXELS voxels) and at the end of the task. */
    private static final Stage CLOSE_BLOCK = VectorKernels::closeBlock;

    private static void closeBlock(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        if (ws.closeBlock) {
            ws.foldBlockSums(pass.classes());
            ws.clearBlockSums(pass.classes());
        }
    }

    /** Writes the staged probabilities (times the scale) into the gradient segment. */
    private static final Stage STORE = VectorKernels::storeProbabilities;

    private static final Stage GRADIENT_ELEMENTWISE = VectorKernels::gradientElementwise;

    private static final Stage GRADIENT_ELEMENTWISE_PLAIN = VectorKernels::gradientElementwisePlain;

    private static final Stage GRADIENT_SOFTMAX_PLAIN = VectorKernels::gradientSoftmaxPlain;

    private static final Stage GRADIENT_SOFTMAX = VectorKernels::gradientSoftmax;

    private static final Stage GRADIENT_SOFTMAX_LABELS_PLAIN = VectorKernels::gradientSoftmaxLabelsPlain;

    private static final Stage GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED = VectorKernels::gradientSoftmaxLabelsPlainStaged;

    /**
     * Staged chunks (channels-last, half-precision logits, a half-precision gradient): copies the chunk's logits (and a
     * dense target) into the channels-first float32 staging buffers, transposed and converted as needed, and points
     * the following stages at them, so that they run unchanged on the same values (contiguous chunks: in the same
     * order, with the bits of the channels-first float32 tensor holding the converted values; region chunks: other
     * voxels in each lane, see regionStride).
     */
    private static final Stage STAGE_IN = VectorKernels::stageIn;

    /** Staged chunks: writes the staged gradient of the chunk into the caller's, transposed and converted. */
    private static final Stage STAGE_OUT = VectorKernels::stageOut;

    private static void stageIn(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        int classes = pass.classes();
        ws.pendingLogits = null;
        if (ws.regionStride != 0) {
            stageRegions(pass, ws, n, voxel);
            return;
        }
        if (interleaved(pass)) {
            ws.deinterleave(pass.logits(), pass.logitType(), pass.element(n, 0, voxel), count, classes, ws.stagedLogits);
            if (pass.denseTarget()) {
                ws.deinterleave(pass.target(), DType.FLOAT32, pass.element(n, 0, voxel), count, classes, ws.stagedTarget);
            }
        } else {
            for (int c = 0; c < classes; c++) {
                long staged = (long) c * CHUNK_VOXELS * Float.BYTES;
                Workspace.convertIn(pass.logits(), pass.logitType(), pass.element(n, c, voxel), count, ws.stagedLogits, staged);
                if (pass.denseTarget()) {
                    Workspace.convertIn(pass.target(), DType.FLOAT32, pass.element(n, c, voxel), count, ws.stagedTarget,
                            staged);
                }
            }
        }
        ws.pointAtStaging(pass);
    }

    /**
     * Region chunks: line s of the 16 regions' blocks (each a block of 16 voxels × C classes, C lines) is transposed
     * into 16 vectors; vector l holds float f = 16s + l of every region's block, that is class f mod C of voxel-vector
     * f / C, and goes to that place of the planar staging (Workspace#regionRows, Workspace#planarRows).
     */
    private static void stageRegions(StatisticsPass pass, Workspace ws, long n, long voxel) {
        int classes = pass.classes();
        long first = pass.element(n, 0, voxel) * Float.BYTES;
        long[] regionRows = ws.regionRows(classes);
        if (pass.activation() == Activation.SOFTMAX) {
            // Transposed group by group in the softmax stage.
            ws.pendingLogits = pass.logits();
            ws.pendingFirst = first;
        } else {
            Transpose16.transpose(pass.logits(), first, regionRows, ws.stagedLogits, 0, ws.planarRows, 0, classes);
        }
        if (pass.denseTarget()) {
            Transpose16.transpose(pass.target(), first, regionRows, ws.stagedTarget, 0, ws.planarRows, 0, classes);
        }
        ws.pointAtStaging(pass);
    }

    /** Region chunks: the planar staged gradient transposed back into line s of the 16 regions' blocks. */
    private static void stageOutRegions(StatisticsPass pass, Workspace ws, long n, long voxel) {
        int classes = pass.classes();
        Transpose16.transpose(ws.stagedGradient, 0, ws.planarRows, ws.gradientOut, pass.element(n, 0, voxel)
                * Float.BYTES, ws.regionRows(classes), 0, classes);
    }

    private static void stageOut(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        int classes = pass.classes();
        if (ws.regionStride != 0) {
            stageOutRegions(pass, ws, n, voxel);
            return;
        }
        if (interleaved(pass)) {
            ws.interleave(ws.stagedGradient, count, classes, ws.gradientOut, ws.gradientType, pass.element(n, 0, voxel));
        } else {
            for (int c = 0; c < classes; c++) {
                Workspace.convertOut(ws.stagedGradient, (long) c * CHUNK_VOXELS * Float.BYTES, count, ws.gradientOut,
                        ws.gradientType, pass.element(n, c, voxel));
            }
        }
    }

    /** Every plan, and each with STAGE_IN first (and STAGE_OUT last after a gradient stage): staged chunks. */
    private static final java.util.Map<Stage[], Stage[]> STAGED_PLANS = new java.util.IdentityHashMap<>();

    /** Two stages: the label check must not be inlined into the chunk loop either (see runChunks). */
    private static final Stage[] LABELS_ONLY = {STAGE_LABELS, CLOSE_BLOCK};

    /**
     * Stage lists, by [softmax][labels][plain sums][cross-entropy]: every list has at least three stages. The
     * cross-entropy stage comes last before the block closes (it reads the softmax stage's maximum and sum).
     */
    private static final Stage[][][][][] PLANS = new Stage[2][2][2][2][];

    static {
        for (int softmax = 0; softmax < 2; softmax++) {
            for (int labels = 0; labels < 2; labels++) {
                for (int plain = 0; plain < 2; plain++) {
                    Stage activation = softmax == 1 ? STAGE_SOFTMAX : STAGE_ELEMENTWISE;
                    Stage plainSums = softmax == 1
                            ? (labels == 1 ? ACCUMULATE_LABELS_SCALED : ACCUMULATE_DENSE_SCALED)
                            : (labels == 1 ? ACCUMULATE_LABELS : ACCUMULATE_DENSE);
                    Stage accumulate = plain == 1 ? plainSums
                            : (labels == 1 ? ACCUMULATE_LABELS_WITH_OPTIONS : ACCUMULATE_DENSE_WITH_OPTIONS);
                    for (int crossEntropy = 0; crossEntropy < 2; crossEntropy++) {
                        List<Stage> stages = new ArrayList<>();
                        if (labels == 1) {
                            stages.add(STAGE_LABELS);
                        }
                        stages.add(activation);
                        stages.add(accumulate);
                        if (crossEntropy == 1) {
                            stages.add(softmax == 1 ? CROSS_ENTROPY_SOFTMAX : CROSS_ENTROPY_SIGMOID);
                        }
                        stages.add(CLOSE_BLOCK);
                        PLANS[softmax][labels][plain][crossEntropy] = stages.toArray(Stage[]::new);
                    }
                }
            }
        }
    }

    private static Stage[] plan(StatisticsPass pass) {
        return PLANS[pass.activation() == Activation.SOFTMAX ? 1 : 0][pass.denseTarget() ? 0 : 1]
                [!pass.squared() && !pass.softIntersection() ? 1 : 0][pass.crossEntropy() ? 1 : 0];
    }

    /** The statistics plan with the probabilities stored right after the activation stage. */
    private static Stage[] storingPlan(StatisticsPass pass) {
        return STORING_PLANS[pass.activation() == Activation.SOFTMAX ? 1 : 0][pass.denseTarget() ? 0 : 1]
                [!pass.squared() && !pass.softIntersection() ? 1 : 0][pass.crossEntropy() ? 1 : 0];
    }

    /** Labels, then (unless the statistics pass stored the probabilities) the activation and its store, then ∂L/∂z. */
    private static Stage[] gradientPlan(StatisticsPass pass, boolean probabilitiesStored) {
        return GRADIENT_PLANS[pass.activation() == Activation.SOFTMAX ? 1 : 0][pass.denseTarget() ? 0 : 1]
                [!pass.squared() && !pass.softIntersection() ? 1 : 0][probabilitiesStored ? 1 : 0];
    }

    /** By [softmax][labels][plain sums][cross-entropy], as PLANS; built once so that calls allocate nothing. */
    private static final Stage[][][][][] STORING_PLANS = new Stage[2][2][2][2][];
    /** By [softmax][labels][plain sums][probabilities stored]. */
    private static final Stage[][][][][] GRADIENT_PLANS = new Stage[2][2][2][2][];

    static {
        for (int softmax = 0; softmax < 2; softmax++) {
            Stage activation = softmax == 1 ? STAGE_SOFTMAX : STAGE_ELEMENTWISE;
            for (int labels = 0; labels < 2; labels++) {
                for (int plain = 0; plain < 2; plain++) {
                    for (int crossEntropy = 0; crossEntropy < 2; crossEntropy++) {
                        List<Stage> storing = new ArrayList<>(List.of(PLANS[softmax][labels][plain][crossEntropy]));
                        if (softmax == 1) {
                            storing.add(storing.indexOf(activation) + 1, STORE);
                        } else {
                            storing.set(storing.indexOf(activation), STAGE_ELEMENTWISE_STORING);
                        }
                        STORING_PLANS[softmax][labels][plain][crossEntropy] = storing.toArray(Stage[]::new);
                    }
                    // Plain sums (q = 1, no soft label): ∂L/∂p = a·g + b, a third of the general form's operations.
                    Stage softmaxPlain = labels == 1 ? GRADIENT_SOFTMAX_LABELS_PLAIN : GRADIENT_SOFTMAX_PLAIN;
                    Stage gradient = softmax == 1 ? (plain == 1 ? softmaxPlain : GRADIENT_SOFTMAX)
                            : (plain == 1 ? GRADIENT_ELEMENTWISE_PLAIN : GRADIENT_ELEMENTWISE);
                    for (int stored = 0; stored < 2; stored++) {
                        List<Stage> stages = new ArrayList<>();
                        if (labels == 1) {
                            stages.add(STAGE_LABELS);
                        }
                        if (stored == 0 && gradient == GRADIENT_SOFTMAX_LABELS_PLAIN) {
                            stages.add(activation);
                            stages.add(GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED);
                        } else {
                            if (stored == 0) {
                                stages.add(activation);
                                stages.add(STORE);
                            }
                            stages.add(gradient);
                        }
                        GRADIENT_PLANS[softmax][labels][plain][stored] = stages.toArray(Stage[]::new);
                    }
                }
            }
        }
    }

    static {
        List<Stage[]> all = new ArrayList<>();
        for (Stage[][][][] bySoftmax : PLANS) {
            for (Stage[][][] byLabels : bySoftmax) {
                for (Stage[][] byPlain : byLabels) {
                    all.addAll(List.of(byPlain));
                }
            }
        }
        for (Stage[][][][] bySoftmax : GRADIENT_PLANS) {
            for (Stage[][][] byLabels : bySoftmax) {
                for (Stage[][] byPlain : byLabels) {
                    all.add(byPlain[0]); // recomputing the activation: channels-last never stores p
                }
            }
        }
        for (Stage[] plan : all) {
            List<Stage> stages = new ArrayList<>(List.of(plan));
            stages.add(0, STAGE_IN);
            if (List.of(GRADIENT_ELEMENTWISE, GRADIENT_ELEMENTWISE_PLAIN, GRADIENT_SOFTMAX, GRADIENT_SOFTMAX_PLAIN,
                    GRADIENT_SOFTMAX_LABELS_PLAIN, GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED).contains(stages.get(stages.size() - 1))) {
                stages.add(STAGE_OUT);
            }
            STAGED_PLANS.put(plan, stages.toArray(Stage[]::new));
        }
    }

    /*
     * Every vector method below creates its constants locally: a static final vector that enters a loop phi is
     * boxed by C2 (measured: 15x slower and allocating on every iteration).
     *
     * Ignored voxels get probability 0 and label MASKED (matching no class) at the staging step, so that they add
     * nothing to any sum and the accumulation loops need no validity mask.
     */

    /** The logits of a vector of voxels at byte {@code offset}: float32, or bfloat16 widened (a 16-bit shift). */
    private static FloatVector loadLogits(MemorySegment logits, long offset, boolean bf16) {
        if (bf16) {
            return ((IntVector) ShortVector.fromMemorySegment(SHORTS, logits, offset, NATIVE).convertShape(S2I, INTS, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
        }
        return FloatVector.fromMemorySegment(FLOATS, logits, offset, NATIVE);
    }

    /**
     * Sigmoid (or identity) probabilities of every class for {@code count} voxels from {@code voxel}: class c at
     * {@code c × CHUNK_VOXELS}, with a scale of 1; 0 at ignored voxels when {@code maskIgnored}.
     */
    private static void stageElementwise(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        MemorySegment logits = ws.logits;
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        Arrays.fill(ws.scale, 0, count, 1f);
        int step = ws.logitBytes;
        boolean bf16 = ws.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.logitBase + c * ws.logitPlane;
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
    private static void stageElementwiseStoring(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        if (pass.activation() != Activation.SIGMOID || (pass.hasIgnore() && !pass.denseTarget())) {
            stageElementwise(pass, ws, n, voxel, count);
            storeProbabilities(pass, ws, n, voxel, count);
            return;
        }
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        MemorySegment logits = ws.logits;
        MemorySegment gradient = ws.gradient;
        float[] probabilities = ws.probabilities;
        Arrays.fill(ws.scale, 0, count, 1f);
        int step = ws.logitBytes;
        boolean bf16 = ws.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            long logitOffset = ws.logitBase + c * ws.logitPlane;
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
     * {@code c × CHUNK_VOXELS} and the per-voxel factor {@code 1/Σ e^(z − max)} in {@code ws.scale}, whose product is
     * the probability. A voxel-major maximum pass, then class-major exp and sum (an inner loop over the chunk's
     * contiguous voxels per class). At an ignored voxel (label-map targets with an ignore index) the probabilities
     * are set to 0, with a scale of 1, whatever its logits.
     */
    private static void stageSoftmax(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        if (ws.pendingLogits == null) {
            softmaxRange(pass, ws, 0, count);
            return;
        }
        // Region chunks: each group's lines are transposed just before its exponentials, which then overlap the
        // loads of the next group's lines (transposing the whole chunk first: ~3% slower).
        int classes = pass.classes();
        long[] regionRows = ws.regionRows(classes);
        int lines = 0;
        for (int from = 0; from < count; from += SOFTMAX_GROUP_VOXELS) {
            int to = Math.min(from + SOFTMAX_GROUP_VOXELS, count);
            int needed = (to / LANES * classes + LANES - 1) / LANES;
            Transpose16.transpose(ws.pendingLogits, ws.pendingFirst, regionRows, ws.stagedLogits, 0, ws.planarRows,
                    lines, needed - lines);
            lines = needed;
            softmaxRange(pass, ws, from, to);
        }
        ws.pendingLogits = null;
    }

    /** The softmax of voxels [from, count) of the chunk, as described above. */
    private static void softmaxRange(StatisticsPass pass, Workspace ws, int from, int count) {
        boolean maskIgnored = pass.hasIgnore() && !pass.denseTarget();
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Integer> matchIgnored = INTS.maskAll(maskIgnored);
        MemorySegment logits = ws.logits;
        int classes = pass.classes();
        float[] probabilities = ws.probabilities;
        float[] max = ws.max;
        float[] scale = ws.scale;
        int[] labels = ws.labels;
        long planeBytes = ws.logitPlane;
        long offset = ws.logitBase;
        int step = ws.logitBytes;
        boolean bf16 = ws.bf16Logits;
        // Voxel-major: the maxima stay in a register, and the loads of all class planes are in flight together
        // (a class-major pass, loading and storing the maxima per class, read memory at half the speed).
        if (pass.crossEntropy() && !pass.denseTarget()) {
            // The cross-entropy needs each voxel's target logit z_y: picked up here, where every z is loaded.
            float[] targetLogit = ws.targetLogit;
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
        } else {
            for (int i = from; i < count; i += LANES) {
                long at = offset + (long) i * step;
                FloatVector voxelMax = loadLogits(logits, at, bf16);
                for (int c = 1; c < classes; c++) {
                    voxelMax = larger(voxelMax, loadLogits(logits, at + c * planeBytes, bf16));
                }
                voxelMax.intoArray(max, i);
            }
        }
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
        // scale = 1/Σ exp (0 at ignored voxels). The accumulation multiplies by it: a normalization pass, with its
        // loads and stores, cost more than that multiply (≈ 1.3x on 14 classes).
        float[] expSum = ws.expSum;
        for (int i = from; i < count; i += LANES) {
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(matchIgnored)
                    .cast(FLOATS);
            FloatVector sum = FloatVector.fromArray(FLOATS, scale, i);
            sum.intoArray(expSum, i);
            one.div(sum).blend(zero, ignored).intoArray(scale, i);
        }
        if (maskIgnored) {
            // Blend the products themselves (exp of garbage logits at an ignored voxel may be NaN), then scale by 1.
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
    }

    /**
     * The larger of two logit vectors lane by lane, as a compare and a blend: {@code FloatVector.max} keeps Java's rules
     * for NaN and signed zeros in six instructions (VectorMath#atLeast). A NaN logit still makes its voxel's softmax
     * NaN: through the maximum before, through its own exponential now.
     */
    private static FloatVector larger(FloatVector current, FloatVector z) {
        return current.blend(z, z.compare(GT, current));
    }

    /** sums[at, at + LANES) += vector: a class's accumulator added to its block sums once per chunk. */
    private static void addInto(float[] sums, int at, FloatVector vector) {
        vector.add(FloatVector.fromArray(FLOATS, sums, at)).intoArray(sums, at);
    }

    /** Adds I, P, G of every class against a dense target to the block sums, for a chunk of staged probabilities. */
    private static void accumulateDense(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment target = ws.target;
        float[] probabilities = ws.probabilities;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            int slot = c * CHUNK_VOXELS;
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
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
        }
    }

    /** As {@link #accumulateDense}, with sums of squares (q = 2) and the soft-label overlap Σ min(p, g). */
    private static void accumulateDenseWithOptions(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        MemorySegment target = ws.target;
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            FloatVector softIntersection = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i).mul(FloatVector.fromArray(FLOATS, scale, i));
                FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
                intersection = p.fma(g, intersection);
                predSum = p.fma(p.blend(one, linear), predSum);
                targetSum = g.fma(g.blend(one, linear), targetSum);
                softIntersection = softIntersection.add(p.min(g));
            }
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
            addInto(sums, base + 3 * LANES, softIntersection);
        }
    }

    /** Adds I, P, G of every class against the staged labels to the block sums, for a chunk of staged probabilities. */
    private static void accumulateLabels(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] probabilities = ws.probabilities;
        int[] labels = ws.labels;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
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
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
        }
    }

    /** As {@link #accumulateLabels}, with sums of squares (q = 2) and the soft-label overlap Σ min(p, g). */
    private static void accumulateLabelsWithOptions(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> linear = FLOATS.maskAll(!pass.squared());
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        int[] labels = ws.labels;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            FloatVector softIntersection = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i).mul(FloatVector.fromArray(FLOATS, scale, i));
                VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
                FloatVector g = zero.blend(one, isForeground);
                intersection = intersection.add(p, isForeground);
                predSum = p.fma(p.blend(one, linear), predSum);
                targetSum = targetSum.add(g);
                softIntersection = softIntersection.add(p.min(g));
            }
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
            addInto(sums, base + 3 * LANES, softIntersection);
        }
    }

    /** As {@link #accumulateDense}, for staged values times the staged per-voxel scale (softmax). */
    private static void accumulateDenseScaled(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment target = ws.target;
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i).mul(FloatVector.fromArray(FLOATS, scale, i));
                FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset + (long) i * Float.BYTES, NATIVE);
                intersection = p.fma(g, intersection);
                predSum = predSum.add(p);
                targetSum = targetSum.add(g);
            }
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
        }
    }

    /** As {@link #accumulateLabels}, for staged values times the staged per-voxel scale (softmax). */
    private static void accumulateLabelsScaled(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        int[] labels = ws.labels;
        float[] sums = ws.blockSums;
        for (int c = 0; c < pass.classes(); c++) {
            int foreground = pass.foregroundLabel(c);
            int slot = c * CHUNK_VOXELS;
            FloatVector intersection = zero;
            FloatVector predSum = zero;
            FloatVector targetSum = zero;
            for (int i = 0; i < count; i += LANES) {
                FloatVector p = FloatVector.fromArray(FLOATS, probabilities, slot + i).mul(FloatVector.fromArray(FLOATS, scale, i));
                VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, i).eq(foreground).cast(FLOATS);
                intersection = intersection.add(p, isForeground);
                predSum = predSum.add(p);
                targetSum = targetSum.add(one, isForeground);
            }
            int base = c * StatisticsPass.STATS * LANES;
            addInto(sums, base, intersection);
            addInto(sums, base + LANES, predSum);
            addInto(sums, base + 2 * LANES, targetSum);
        }
    }

    /**
     * Adds the chunk's cross-entropy −Σ_c g·ln p to class 0's block sums, with −ln p_c = (max − z_c) + ln Σ e^(z − max)
     * from the softmax stage's maximum and sum (never the log of a rounded probability), and its unmasked voxels to
     * class 0's count. Against labels only the target class counts: its logit z_y was picked up by the maximum pass,
     * so there is no loop over the classes here (ignored voxels are left out by a masked add).
     */
    private static void accumulateCrossEntropySoftmax(StatisticsPass pass, Workspace ws, long n, long voxel,
            int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        float[] max = ws.max;
        float[] logSum = ws.expSum;
        int[] labels = ws.labels;
        float[] sums = ws.blockSums;
        FloatVector crossEntropy = zero;
        FloatVector counted = zero;
        if (!pass.denseTarget()) {
            float[] targetLogit = ws.targetLogit;
            for (int i = 0; i < count; i += LANES) {
                VectorMask<Float> unmasked = IntVector.fromArray(INTS, labels, i).compare(GE, 0).cast(FLOATS);
                // (max − z_y) + ln Σ: two non-negative terms, no cancellation (max + ln Σ − z_y would lose ln Σ).
                FloatVector minusLogP = FloatVector.fromArray(FLOATS, max, i)
                        .sub(FloatVector.fromArray(FLOATS, targetLogit, i))
                        .add(VectorMath.log(FloatVector.fromArray(FLOATS, logSum, i)));
                crossEntropy = crossEntropy.add(minusLogP, unmasked);
                counted = counted.add(one, unmasked);
            }
        } else {
            MemorySegment logits = ws.logits;
            MemorySegment target = ws.target;
            long planeBytes = ws.plane;
            long offset = ws.base;
            for (int i = 0; i < count; i += LANES) {
                VectorMath.log(FloatVector.fromArray(FLOATS, logSum, i)).intoArray(logSum, i);
                counted = counted.add(one);
            }
            int step = ws.logitBytes;
            boolean bf16 = ws.bf16Logits;
            for (int c = 0; c < pass.classes(); c++) {
                long plane = offset + c * planeBytes;
                long logitPlane = ws.logitBase + c * ws.logitPlane;
                for (int i = 0; i < count; i += LANES) {
                    long at = plane + (long) i * Float.BYTES;
                    FloatVector minusLogP = FloatVector.fromArray(FLOATS, max, i)
                            .sub(loadLogits(logits, logitPlane + (long) i * step, bf16))
                            .add(FloatVector.fromArray(FLOATS, logSum, i));
                    crossEntropy = FloatVector.fromMemorySegment(FLOATS, target, at, NATIVE).fma(minusLogP, crossEntropy);
                }
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
    private static void accumulateCrossEntropySigmoid(StatisticsPass pass, Workspace ws, long n, long voxel,
            int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        MemorySegment logits = ws.logits;
        MemorySegment target = ws.target;
        int[] labels = ws.labels;
        float[] sums = ws.blockSums;
        int step = ws.logitBytes;
        boolean bf16 = ws.bf16Logits;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            long logitOffset = ws.logitBase + c * ws.logitPlane;
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
            addInto(sums, StatisticsPass.CROSS_ENTROPY * LANES, crossEntropy);
        }
        FloatVector counted = zero;
        if (pass.denseTarget()) {
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

    /** Writes probability = staged value × scale of every class of the chunk into {@code ws.gradient}. */
    private static void storeProbabilities(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        MemorySegment gradient = ws.gradient;
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        long planeBytes = ws.plane;
        long offset = ws.base;
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

    /**
     * ∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g) of one vector, with class c's a, b, e from {@code coefficients}
     * (Workspace#imageCoefficients): the sign term is 0 without the soft-label formulation (e = 0), and p^(q−1) is 1
     * unless {@code squared} is all true.
     */
    private static FloatVector lossByProbability(FloatVector p, FloatVector g, float[] coefficients, int c,
            VectorMask<Float> squared) {
        int base = c * GradientPass.COEFFICIENTS;
        int signed = coefficients.length / 2 + 2 * c;
        FloatVector a = FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.TARGET]);
        FloatVector b = FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]);
        // b + e·sign(p − g), with b + e and b − e each rounded once from double (Workspace#imageCoefficients).
        FloatVector linear = FloatVector.broadcast(FLOATS, coefficients[signed])
                .blend(FloatVector.broadcast(FLOATS, coefficients[signed + 1]), p.compare(LT, g)).blend(b, p.eq(g));
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        // q = 2 has no sign term (e = 0, so linear = b): b·p.
        return g.fma(a, one.blend(p, squared).mul(linear));
    }

    /**
     * The target of class c for a vector of voxels: the dense target at byte {@code offset}, or 1 where the staged
     * label at {@code labelIndex} is c's ({@code foreground}).
     */
    private static FloatVector targetVector(StatisticsPass pass, Workspace ws, int foreground, long offset,
            int labelIndex) {
        if (pass.denseTarget()) {
            return FloatVector.fromMemorySegment(FLOATS, ws.target, offset, NATIVE);
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, ws.labels, labelIndex).eq(foreground).cast(FLOATS);
        return FloatVector.zero(FLOATS).blend(1f, isForeground);
    }

    /**
     * ∂L/∂p = a·g + b of class c (q = 1, no sign term) for a vector of voxels: a·g + b against a dense target at
     * byte {@code offset}; against labels, a + b where the staged label at {@code labelIndex} is c's, else b.
     */
    private static FloatVector plainByProbability(StatisticsPass pass, Workspace ws, float[] coefficients, int c,
            long offset, int labelIndex) {
        int base = c * GradientPass.COEFFICIENTS;
        float a = coefficients[base + GradientPass.TARGET];
        float b = coefficients[base + GradientPass.PREDICTION];
        if (pass.denseTarget()) {
            FloatVector g = FloatVector.fromMemorySegment(FLOATS, ws.target, offset, NATIVE);
            return g.fma(FloatVector.broadcast(FLOATS, a), FloatVector.broadcast(FLOATS, b));
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, ws.labels, labelIndex).eq(pass.foregroundLabel(c))
                .cast(FLOATS);
        return FloatVector.broadcast(FLOATS, b).blend(a + b, isForeground);
    }

    /** κ_c·g of class c for a vector of voxels (the cross-entropy's part of the softmax gradient; 0 without it). */
    private static FloatVector crossEntropyByTarget(StatisticsPass pass, Workspace ws, float[] coefficients, int c,
            long offset, int labelIndex) {
        float crossEntropy = coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY];
        if (pass.denseTarget()) {
            return FloatVector.fromMemorySegment(FLOATS, ws.target, offset, NATIVE).mul(crossEntropy);
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, ws.labels, labelIndex).eq(pass.foregroundLabel(c))
                .cast(FLOATS);
        return FloatVector.zero(FLOATS).blend(crossEntropy, isForeground);
    }

    /** As {@link #gradientElementwise}, for plain sums. */
    private static void gradientElementwisePlain(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = ws.gradient;
        float[] coefficients = ws.imageCoefficients(pass, n);
        int[] labels = ws.labels;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            int foreground = pass.foregroundLabel(c);
            FloatVector crossEntropy = FloatVector.broadcast(FLOATS, coefficients[c * GradientPass.COEFFICIENTS
                    + GradientPass.CROSS_ENTROPY]);
            for (int i = 0; i < count; i += LANES) {
                long at = offset + (long) i * Float.BYTES;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at, NATIVE);
                FloatVector jacobian = one.blend(p.mul(one.sub(p)), sigmoid);
                VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable)
                        .cast(FLOATS);
                // Cross-entropy: κ·(p − g) (0 without it).
                FloatVector withCrossEntropy = p.sub(targetVector(pass, ws, foreground, at, i))
                        .fma(crossEntropy, plainByProbability(pass, ws, coefficients, c, at, i).mul(jacobian));
                withCrossEntropy.blend(zero, ignored).intoMemorySegment(gradient, at, NATIVE);
            }
        }
    }

    /** As {@link #gradientSoftmax}, for plain sums. */
    private static void gradientSoftmaxPlain(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = ws.gradient;
        float[] coefficients = ws.imageCoefficients(pass, n);
        int[] labels = ws.labels;
        int classes = pass.classes();
        long planeBytes = ws.plane;
        long offset = ws.base;
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            FloatVector weighted = zero;
            for (int c = 0; c < classes; c++) {
                long element = at + c * planeBytes;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
                weighted = p.fma(plainByProbability(pass, ws, coefficients, c, element, i), weighted);
                weighted = crossEntropyByTarget(pass, ws, coefficients, c, element, i).neg().add(weighted);
            }
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                long element = at + c * planeBytes;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
                p.mul(plainByProbability(pass, ws, coefficients, c, element, i).sub(weighted))
                        .sub(crossEntropyByTarget(pass, ws, coefficients, c, element, i))
                        .blend(zero, ignored).intoMemorySegment(gradient, element, NATIVE);
            }
        }
    }

    /**
     * As {@link #gradientSoftmaxPlain} against a label map y, where ∂L/∂p_c = b_c + a_c·[y = c] and the cross-entropy
     * adds −κ_c·[y = c]: ∂L/∂z_c = p_c·(b_c − s) + [y = c]·(a_c·p_c − κ_c) with s = Σ_k p_k·b_k + a_y·p_y − κ_y. The
     * labels stay in a register and every class costs one compare, instead of a label reload and blend per term.
     */
    private static void gradientSoftmaxLabelsPlain(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        gradientSoftmaxLabelsPlain(pass, ws, n, count, false);
    }

    /** As {@link #gradientSoftmaxLabelsPlain}, with the probabilities from the softmax stage's staging arrays. */
    private static void gradientSoftmaxLabelsPlainStaged(StatisticsPass pass, Workspace ws, long n, long voxel,
            int count) {
        gradientSoftmaxLabelsPlain(pass, ws, n, count, true);
    }

    private static void gradientSoftmaxLabelsPlain(StatisticsPass pass, Workspace ws, long n, int count,
            boolean fromStaging) {
        float[] probabilities = ws.probabilities;
        float[] scale = ws.scale;
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment gradient = ws.gradient;
        float[] coefficients = ws.imageCoefficients(pass, n);
        int[] labels = ws.labels;
        int classes = pass.classes();
        long planeBytes = ws.plane;
        long offset = ws.base;
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            IntVector label = IntVector.fromArray(INTS, labels, i);
            FloatVector voxelScale = FloatVector.fromArray(FLOATS, scale, i);
            FloatVector weighted = zero;
            FloatVector targetTerm = zero;
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                FloatVector p = fromStaging
                        ? FloatVector.fromArray(FLOATS, probabilities, c * CHUNK_VOXELS + i).mul(voxelScale)
                        : FloatVector.fromMemorySegment(FLOATS, gradient, at + c * planeBytes, NATIVE);
                weighted = p.fma(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]), weighted);
                VectorMask<Float> isClass = label.eq(pass.foregroundLabel(c)).cast(FLOATS);
                targetTerm = targetTerm.blend(p.fma(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.TARGET]),
                        FloatVector.broadcast(FLOATS, -coefficients[base + GradientPass.CROSS_ENTROPY])), isClass);
            }
            weighted = weighted.add(targetTerm);
            // Ignored voxels hold p = 0 and match no class; the blend keeps their gradient +0 rather than −0.
            VectorMask<Float> ignored = label.compare(LT, 0).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                long element = at + c * planeBytes;
                FloatVector p = fromStaging
                        ? FloatVector.fromArray(FLOATS, probabilities, c * CHUNK_VOXELS + i).mul(voxelScale)
                        : FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
                VectorMask<Float> isClass = label.eq(pass.foregroundLabel(c)).cast(FLOATS);
                FloatVector classTerm = p.fma(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.TARGET]),
                        FloatVector.broadcast(FLOATS, -coefficients[base + GradientPass.CROSS_ENTROPY]));
                p.mul(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]).sub(weighted))
                        .add(classTerm, isClass).blend(zero, ignored).intoMemorySegment(gradient, element, NATIVE);
            }
        }
    }

    /** Sigmoid or identity ∂L/∂z of every class of the chunk, from the probabilities in {@code ws.gradient}. */
    private static void gradientElementwise(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> squared = FLOATS.maskAll(pass.squared());
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = ws.gradient;
        float[] coefficients = ws.imageCoefficients(pass, n);
        int[] labels = ws.labels;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = ws.base + c * ws.plane;
            int foreground = pass.foregroundLabel(c);
            for (int i = 0; i < count; i += LANES) {
                long at = offset + (long) i * Float.BYTES;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at, NATIVE);
                FloatVector g = targetVector(pass, ws, foreground, at, i);
                FloatVector byProbability = lossByProbability(p, g, coefficients, c, squared);
                // σ'(z) = p(1 − p); identity: 1.
                FloatVector jacobian = one.blend(p.mul(one.sub(p)), sigmoid);
                VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable)
                        .cast(FLOATS);
                FloatVector crossEntropy = FloatVector.broadcast(FLOATS,
                        coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY]);
                p.sub(g).fma(crossEntropy, byProbability.mul(jacobian)).blend(zero, ignored)
                        .intoMemorySegment(gradient, at, NATIVE);
            }
        }
    }

    /**
     * Softmax ∂L/∂z_c = p_c·(∂L/∂p_c − Σ_k p_k·∂L/∂p_k) of the chunk, from the probabilities in {@code ws.gradient}:
     * one class-major sweep for the per-voxel sum, one to write.
     */
    private static void gradientSoftmax(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        FloatVector zero = FloatVector.zero(FLOATS);
        VectorMask<Float> squared = FLOATS.maskAll(pass.squared());
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = ws.gradient;
        float[] coefficients = ws.imageCoefficients(pass, n);
        int[] labels = ws.labels;
        int classes = pass.classes();
        long planeBytes = ws.plane;
        long offset = ws.base;
        // Voxel-major: Σ_k p_k·∂L/∂p_k stays in a register, and the class planes' lines are read together.
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            FloatVector weighted = zero;
            for (int c = 0; c < classes; c++) {
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at + c * planeBytes, NATIVE);
                FloatVector g = targetVector(pass, ws, pass.foregroundLabel(c), at + c * planeBytes, i);
                FloatVector crossEntropy = FloatVector.broadcast(FLOATS,
                        coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY]);
                weighted = g.neg().fma(crossEntropy, p.fma(lossByProbability(p, g, coefficients, c, squared), weighted));
            }
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at + c * planeBytes, NATIVE);
                FloatVector g = targetVector(pass, ws, pass.foregroundLabel(c), at + c * planeBytes, i);
                FloatVector crossEntropy = FloatVector.broadcast(FLOATS,
                        coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY]);
                g.neg().fma(crossEntropy, p.mul(lossByProbability(p, g, coefficients, c, squared).sub(weighted)))
                        .blend(zero, ignored).intoMemorySegment(gradient, at + c * planeBytes, NATIVE);
            }
        }
    }

    /**
     * Writes the labels of {@code count} voxels of image n from {@code voxel} into {@code labels} as ints, with
     * {@link ScalarRanges#MASKED} where the voxel is ignored; throws for a label out of range.
     */
    private static void stageLabels(StatisticsPass pass, Workspace ws, long n, long voxel, int count) {
        int[] labels = ws.labels;
        long index = n * pass.voxels() + voxel;
        MemorySegment target = pass.target();
        DType type = pass.targetType();
        boolean ignoreMatchable;
        if (ws.regionStride != 0 && (type == DType.INT32 || (type == DType.UINT8 && BYTES != null))) {
            regionLabels(pass, ws, n, voxel);
            ignoreMatchable = type == DType.UINT8
                    ? pass.hasIgnore() && pass.ignoreIndex() >= 0 && pass.ignoreIndex() <= 0xFF
                    : pass.hasIgnore() && pass.ignoreIndex() == (int) pass.ignoreIndex();
        } else if (ws.regionStride != 0) {
            // int64, or uint8 on a narrow machine: lane by lane.
            for (int i = 0; i < count; i++) {
                long at = regionVoxel(ws, voxel, i);
                try {
                    labels[i] = ScalarRanges.readLabel(pass, n, at);
                } catch (IllegalArgumentException e) {
                    throwFirstBadLabel(pass, ws, n);
                }
            }
            return;
        } else if (type == DType.UINT8 && BYTES != null) {
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
                labels[i] = ScalarRanges.readLabel(pass, n, voxel + i);
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
                if (ws.regionStride != 0) {
                    throwFirstBadLabel(pass, ws, n);
                }
                throw pass.labelOutOfRange(n, voxel + i + lane, label.lane(lane));
            }
            label.blend(NO_LABEL, ignored).intoArray(labels, i);
        }
    }

    /** Region chunks: the image voxel of lane i of the chunk whose region-0 voxels start at {@code voxel}. */
    private static long regionVoxel(Workspace ws, long voxel, int i) {
        return voxel + i % LANES * ws.regionStride + i / LANES;
    }

    /**
     * Region chunks meet a task's labels out of voxel order: on a bad label the task's labels are read again in
     * order, so that the error names the first one, as every other path and thread count does.
     */
    private static void throwFirstBadLabel(StatisticsPass pass, Workspace ws, long n) {
        for (long v = ws.taskFrom; v < ws.taskTo; v++) {
            ScalarRanges.readLabel(pass, n, v);
        }
        throw new IllegalStateException("no bad label in the task");
    }

    /**
     * Region chunks: the uint8 or int32 labels of voxel-vector v, lane j (voxel {@code voxel + v} of region j) at
     * {@code labels[v·LANES + j]}, unchecked: 16 contiguous labels of each region widened into a row of an int array,
     * then gathered a column at a time.
     */
    private static void regionLabels(StatisticsPass pass, Workspace ws, long n, long voxel) {
        int[] labels = ws.labels;
        int[] rows = ws.labelRows;
        long index = n * pass.voxels() + voxel;
        MemorySegment target = pass.target();
        for (int region = 0; region < LANES; region++) {
            long at = index + region * ws.regionStride;
            IntVector row = pass.targetType() == DType.UINT8
                    ? ((IntVector) ByteVector.fromMemorySegment(BYTES, target, at, NATIVE).convertShape(B2I, INTS, 0))
                            .and(0xFF)
                    : IntVector.fromMemorySegment(INTS, target, at * Integer.BYTES, NATIVE);
            row.intoArray(rows, region * LANES);
        }
        // Gathers from an array: the rows and the transposed block through a segment cost ~2 ms of a 20 ms forward
        // on (2,14,96³) (C2 reloads a segment's fields after every store into one).
        for (int v = 0; v < CHUNK_VECTORS; v++) {
            IntVector.fromArray(INTS, rows, v, ws.regionLanes, 0).intoArray(labels, v * LANES);
        }
    }

    /** Per-thread scratch, grown to the largest class count seen, so that steady-state calls allocate nothing. */
    private static final class Workspace {
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
        /** Float block sums: index (c × STATS + k) × LANES + lane. */
        float[] blockSums = new float[0];
        /** Double sums of one image, same index as the block sums. */
        double[] laneSums = new double[0];
        /**
         * Where the chunk's stages read logits and a dense target, and write the gradient: class c of the chunk's
         * first voxel at byte {@code base + c·plane}. Channels-first: the caller's segments (plane = S floats);
         * channels-last: the staging arrays (plane = CHUNK_VOXELS floats), filled by STAGE_IN.
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
        /**
         * Channels-last staging, class c at c × CHUNK_VOXELS, off-heap like the callers' tensors (so that every load
         * and store site of the stages sees native segments only), and the interleaved chunk as read or written.
         */
        MemorySegment stagedLogits;
        MemorySegment stagedTarget;
        MemorySegment stagedGradient;
        float[] interleaved = new float[0];
        /** Region chunks' labels: 16 rows of 16 ints, one per region, and lane j's offset among them. */
        final int[] labelRows = new int[LANES * LANES];
        final int[] regionLanes = new int[LANES];
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
         * Row tables of the region transposes (Transpose16): row j of block s at byte j·regionBytes + s·64 of the
         * chunk's first line (line s of region j), for the current region stride and class count.
         */
        private long[] regionRows = new long[LANES * LANES];
        private long regionRowsStride = -1;
        private int regionRowsClasses = -1;
        /** Row l of block s to the planar staging: float 16s + l is class (16s + l) mod C of vector (16s + l) / C. */
        final long[] planarRows = new long[LANES * LANES];

        /** Points the stages at the float32 channels-first staging (logits, and a dense target). */
        void pointAtStaging(StatisticsPass pass) {
            logits = stagedLogits;
            if (pass.denseTarget()) {
                target = stagedTarget;
            }
            base = 0;
            plane = (long) CHUNK_VOXELS * Float.BYTES;
            logitBase = 0;
            logitPlane = plane;
            logitBytes = Float.BYTES;
            bf16Logits = false;
        }

        long[] regionRows(int classes) {
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
        /** Lane l reads element l·C of the interleaved chunk: the gather and scatter map for C classes. */
        final int[] laneStride = new int[LANES];
        int laneStrideClasses;

        /** Points the stages at the caller's channels-first segments for the chunk at {@code voxel} of image n. */
        void locate(StatisticsPass pass, long n, long voxel) {
            logits = pass.logits();
            target = pass.target();
            base = pass.element(n, 0, voxel) * Float.BYTES;
            plane = pass.voxels() * Float.BYTES;
            bf16Logits = pass.logitType() == DType.BFLOAT16;
            logitBytes = bf16Logits ? Short.BYTES : Float.BYTES;
            logitBase = pass.element(n, 0, voxel) * logitBytes;
            logitPlane = pass.voxels() * logitBytes;
        }

        /**
         * Copies {@code count × classes} interleaved values of {@code type} from element {@code first} into planar
         * float32 {@code staged}.
         */
        void deinterleave(MemorySegment source, DType type, long first, int count, int classes, MemorySegment staged) {
            if (type == DType.FLOAT32) {
                MemorySegment.copy(source, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, first * Float.BYTES,
                        interleaved, 0, count * classes);
            } else {
                for (int i = 0; i < count * classes; i++) {
                    interleaved[i] = halfToFloat(source, type, first + i);
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int i = 0; i < count; i += LANES) {
                    FloatVector.fromArray(FLOATS, interleaved, i * classes + c, laneStride, 0)
                            .intoMemorySegment(staged, (long) (c * CHUNK_VOXELS + i) * Float.BYTES, NATIVE);
                }
            }
        }

        /** Writes planar {@code staged} as {@code count × classes} interleaved values of {@code type} at {@code first}. */
        void interleave(MemorySegment staged, int count, int classes, MemorySegment destination, DType type, long first) {
            for (int c = 0; c < classes; c++) {
                for (int i = 0; i < count; i += LANES) {
                    FloatVector.fromMemorySegment(FLOATS, staged, (long) (c * CHUNK_VOXELS + i) * Float.BYTES, NATIVE)
                            .intoArray(interleaved, i * classes + c, laneStride, 0);
                }
            }
            if (type == DType.FLOAT32) {
                MemorySegment.copy(interleaved, 0, destination, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED,
                        first * Float.BYTES, count * classes);
            } else {
                for (int i = 0; i < count * classes; i++) {
                    writeHalf(destination, type, first + i, interleaved[i]);
                }
            }
        }

        /** {@code count} values of {@code type} from element {@code first} as float32 at byte {@code stagedOffset}. */
        static void convertIn(MemorySegment source, DType type, long first, int count, MemorySegment staged,
                long stagedOffset) {
            if (type == DType.FLOAT32) {
                MemorySegment.copy(source, first * Float.BYTES, staged, stagedOffset, (long) count * Float.BYTES);
                return;
            }
            if (type == DType.BFLOAT16 && SHORTS != null) {
                // bfloat16 → float32 is a 16-bit shift: widen the shorts (the sign extension shifts out), shift.
                for (int i = 0; i < count; i += LANES) {
                    ((IntVector) ShortVector.fromMemorySegment(SHORTS, source, (first + i) * Short.BYTES, NATIVE)
                            .convertShape(S2I, INTS, 0)).lanewise(LSHL, 16).reinterpretAsFloats()
                            .intoMemorySegment(staged, stagedOffset + (long) i * Float.BYTES, NATIVE);
                }
                return;
            }
            for (int i = 0; i < count; i++) {
                staged.set(java.lang.foreign.ValueLayout.JAVA_FLOAT, stagedOffset + (long) i * Float.BYTES,
                        halfToFloat(source, type, first + i));
            }
        }

        /** {@code count} float32 values at byte {@code stagedOffset} written as {@code type} from element {@code first}. */
        static void convertOut(MemorySegment staged, long stagedOffset, int count, MemorySegment destination, DType type,
                long first) {
            if (type == DType.FLOAT32) {
                MemorySegment.copy(staged, stagedOffset, destination, first * Float.BYTES, (long) count * Float.BYTES);
                return;
            }
            for (int i = 0; i < count; i++) {
                writeHalf(destination, type, first + i,
                        staged.get(java.lang.foreign.ValueLayout.JAVA_FLOAT, stagedOffset + (long) i * Float.BYTES));
            }
        }

        private static float halfToFloat(MemorySegment source, DType type, long index) {
            short bits = source.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index);
            return type == DType.FLOAT16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
        }

        private static void writeHalf(MemorySegment destination, DType type, long index, float value) {
            destination.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, index,
                    type == DType.FLOAT16 ? Float.floatToFloat16(value) : GradientPass.toBfloat16(value));
        }

        /**
         * During a gradient call only (cleared after): the segment the stages write the gradient to (the caller's, or
         * the staging one for channels-last), the caller's own, and the coefficients.
         */
        MemorySegment gradient;
        MemorySegment gradientOut;
        DType gradientType = DType.FLOAT32;
        double[] coefficients;
        /**
         * The coefficients of image {@link #coefficientImage} in float, class c at c × COEFFICIENTS; then, from
         * index C × COEFFICIENTS (half the array), b + e and b − e of class c at 2c and 2c + 1.
         */
        float[] imageCoefficients = new float[0];
        long coefficientImage = -1;

        /** Image n's coefficients in float (converted once per image). */
        float[] imageCoefficients(StatisticsPass pass, long n) {
            if (coefficientImage != n) {
                int length = pass.classes() * GradientPass.COEFFICIENTS;
                if (imageCoefficients.length != 2 * length) {
                    imageCoefficients = new float[2 * length];
                }
                for (int k = 0; k < length; k++) {
                    imageCoefficients[k] = (float) coefficients[(int) (n * length + k)];
                }
                // Then b + e and b − e of each class, added in double: with a soft label and a nearly empty class,
                // b and e are large and of opposite signs, and their float sum lost up to 1e-4 of the result.
                for (int c = 0; c < pass.classes(); c++) {
                    int at = (int) (n * length) + c * GradientPass.COEFFICIENTS;
                    double prediction = coefficients[at + GradientPass.PREDICTION];
                    double sign = coefficients[at + GradientPass.SIGN];
                    imageCoefficients[length + 2 * c] = (float) (prediction + sign);
                    imageCoefficients[length + 2 * c + 1] = (float) (prediction - sign);
                }
                coefficientImage = n;
            }
            return imageCoefficients;
        }

        /** The argmax of a chunk's voxels (hard metric). */
        final int[] predicted = new int[CHUNK_VOXELS];
        /** The (predicted, target) counts of each task of a count pass, C × C per task. */
        private long[] confusion = new long[0];

        long[] confusion(int length) {
            if (confusion.length < length) {
                confusion = new long[length];
            }
            return confusion;
        }

        /** Per-task lane sums of the calling thread's pass (task × width). */
        private double[] taskSums = new double[0];

        double[] taskSums(int length) {
            if (taskSums.length < length) {
                taskSums = new double[length];
            }
            return taskSums;
        }

        /** The scalar gradient tail's per-voxel arrays, one value per class. */
        double[] tailProbabilities = new double[0];
        double[] tailByProbability = new double[0];
        private int planarClasses = -1;

        Workspace() {
            for (int k = 0; k < LANES; k++) {
                regionLanes[k] = k * LANES;
            }
        }

        Workspace ensure(int classes) {
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
                java.lang.foreign.Arena staging = java.lang.foreign.Arena.ofAuto();
                // At least LANES planes: a 16 × 16 transpose (Transpose16) reads and writes 16 of them.
                long stagingBytes = (long) Math.max(classes, LANES) * CHUNK_VOXELS * Float.BYTES;
                stagedLogits = staging.allocate(stagingBytes, 64);
                stagedTarget = staging.allocate(stagingBytes, 64);
                stagedGradient = staging.allocate(stagingBytes, 64);
                interleaved = new float[classes * CHUNK_VOXELS];
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
                    boolean computed = k != StatisticsPass.SOFT_INTERSECTION || pass.softIntersection();
                    out[(int) ((n * classes + c) * StatisticsPass.STATS + k)] = computed ? sum : 0.0;
                }
            }
        }
    }
}
