package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.ChunkGeometry.TASK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.internal.CountPass;
import org.dice4j.internal.ScalarRanges;
import org.dice4j.internal.TaskGrid;

/**
 * The hard metric's counting engine: |A∩B|, |A| and |B| per (image, class), from argmax predictions (through a
 * per-task C × C confusion matrix) or per-channel thresholds (mask popcounts), against a label map or a dense target.
 * Counts are integers, so the tasks' counts add up to the same numbers in any order and on any thread count; the
 * last S mod LANES voxels of each image are counted by the reference (ScalarRanges#countRange).
 */
final class HardCounts {
    /** Classes up to which argmax counts run here: the per-image confusion counts are C × C. */
    static final int MAX_CONFUSION_CLASSES = 1024;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int NO_LABEL = ScalarRanges.MASKED;
    /** Longs of per-task confusion counts up to which a pass keeps one matrix per task (32 MB). */
    private static final long MAX_TASK_CONFUSION = 1 << 22;

    private HardCounts() {}

    /**
     * Argmax predictions against a label map run vectorized (up to {@link #MAX_CONFUSION_CLASSES} classes), and
     * thresholds; other kinds of count pass run on the reference code.
     */
    static void counts(CountPass pass, long[] out) {
        if (pass.mode() == CountPass.Mode.THRESHOLD) {
            thresholdCounts(pass, out);
        } else if (pass.mode() != CountPass.Mode.ARGMAX || pass.denseTarget()
                || pass.classes() > MAX_CONFUSION_CLASSES) {
            ScalarRanges.counts(pass, out);
        } else {
            argmaxCounts(pass, out);
        }
    }

    /**
     * In parallel each task has its own C × C counts (while they stay below 32 MB); on one thread an image's tasks
     * share one, filled image by image.
     */
    private static void argmaxCounts(CountPass pass, long[] out) {
        Scratch scratch = Workspace.current(pass.classes()).scratch;
        Arrays.fill(out, 0, pass.outputLength(), 0L);
        int classes = pass.classes();
        TaskGrid grid = TaskGrid.of(pass.images(), vectorVoxels(pass), TASK_VOXELS);
        int tasks = grid.tasks();
        int square = classes * classes;
        boolean parallel = TaskGrid.parallelism(pass.parallelism(), pass.images() * classes * pass.voxels()).threads()
                > 1 && (long) tasks * square <= MAX_TASK_CONFUSION;
        if (parallel) {
            long[] confusion = scratch.confusion(tasks * square);
            Arrays.fill(confusion, 0, tasks * square, 0L);
            pass.parallelism().run(tasks, task -> tallyTask(pass, confusion, task * square, grid, task));
        }
        for (long n = 0; n < pass.images(); n++) {
            if (parallel) {
                long[] confusion = scratch.confusion(tasks * square);
                for (int task = grid.firstTask(n); task < grid.firstTask(n) + grid.tasksPerImage(); task++) {
                    addConfusion(confusion, task * square, classes, out, n);
                }
            } else {
                long[] confusion = scratch.confusion(square);
                Arrays.fill(confusion, 0, square, 0L);
                for (int task = grid.firstTask(n); task < grid.firstTask(n) + grid.tasksPerImage(); task++) {
                    tallyTask(pass, confusion, 0, grid, task);
                }
                addConfusion(confusion, 0, classes, out, n);
            }
            ScalarRanges.countRange(pass, out, n, grid.vectorVoxels(), pass.voxels());
        }
    }

    /** The voxels of an image that whole vectors cover. */
    private static long vectorVoxels(CountPass pass) {
        return pass.voxels() - pass.voxels() % LANES;
    }

    /** |A∩B| on the diagonal, |A| a row sum, |B| a column sum of the (predicted, target) counts at {@code at}. */
    private static void addConfusion(long[] confusion, int at, int classes, long[] out, long n) {
        for (int c = 0; c < classes; c++) {
            int base = (int) ((n * classes + c) * CountPass.COUNTS);
            for (int k = 0; k < classes; k++) {
                out[base + CountPass.PREDICTED] += confusion[at + c * classes + k];
                out[base + CountPass.TARGET] += confusion[at + k * classes + c];
            }
            out[base + CountPass.INTERSECTION] += confusion[at + c * classes + c];
        }
    }

    /**
     * Per-channel thresholds (sigmoid or a raw score against θ): A = {z > t}, B = the label's class or {g ≥ 0.5},
     * counted with mask popcounts per task, the scalar reference for the last S mod LANES voxels.
     */
    private static void thresholdCounts(CountPass pass, long[] out) {
        Arrays.fill(out, 0, pass.outputLength(), 0L);
        int classes = pass.classes();
        int width = classes * CountPass.COUNTS;
        TaskGrid grid = TaskGrid.of(pass.images(), vectorVoxels(pass), TASK_VOXELS);
        int tasks = grid.tasks();
        long[] taskCounts = Workspace.current(classes).scratch.confusion(Math.multiplyExact(tasks, width));
        Arrays.fill(taskCounts, 0, tasks * width, 0L);
        TaskGrid.parallelism(pass.parallelism(), pass.images() * classes * pass.voxels()).run(tasks, task -> {
            int[] labels = Workspace.current(classes).scratch.labels;
            long to = grid.to(task);
            for (long chunk = grid.from(task); chunk < to; chunk += CHUNK_VOXELS) {
                int count = (int) Math.min(CHUNK_VOXELS, to - chunk);
                thresholdChunk(pass, labels, taskCounts, task * width, grid.image(task), chunk, count);
            }
        });
        for (long n = 0; n < pass.images(); n++) {
            for (int task = grid.firstTask(n); task < grid.firstTask(n) + grid.tasksPerImage(); task++) {
                for (int k = 0; k < width; k++) {
                    out[(int) (n * width) + k] += taskCounts[task * width + k];
                }
            }
            ScalarRanges.countRange(pass, out, n, grid.vectorVoxels(), pass.voxels());
        }
    }

    private static void thresholdChunk(CountPass pass, int[] labelArray, long[] counts, int at, long n, long voxel,
            int count) {
        int classes = pass.classes();
        boolean labels = !pass.denseTarget();
        if (labels) {
            stageCountLabels(pass, labelArray, n, voxel, count);
        }
        float threshold = pass.threshold();
        for (int c = 0; c < classes; c++) {
            long offset = ((n * classes + c) * pass.voxels() + voxel) * Float.BYTES;
            int foreground = pass.foregroundLabel(c);
            long both = 0;
            long predicted = 0;
            long target = 0;
            for (int i = 0; i < count; i += LANES) {
                long element = offset + (long) i * Float.BYTES;
                VectorMask<Float> inA = FloatVector.fromMemorySegment(FLOATS, pass.prediction(), element, NATIVE)
                        .compare(GT, threshold);
                VectorMask<Float> valid;
                VectorMask<Float> inB;
                if (labels) {
                    IntVector label = IntVector.fromArray(INTS, labelArray, i);
                    valid = label.compare(GE, 0).cast(FLOATS);
                    inB = label.eq(foreground).cast(FLOATS);
                } else {
                    valid = FLOATS.maskAll(true);
                    inB = FloatVector.fromMemorySegment(FLOATS, pass.target(), element, NATIVE).compare(GE, 0.5f);
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
            case UINT8 -> Byte.toUnsignedLong(target.get(ValueLayout.JAVA_BYTE, index));
            case INT32 -> target.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index);
            default -> target.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index);
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

    /** Tallies the voxels of {@code task} into confusion[at…]. */
    private static void tallyTask(CountPass pass, long[] confusion, int at, TaskGrid grid, int task) {
        Scratch scratch = Workspace.current().scratch;
        long n = grid.image(task);
        long to = grid.to(task);
        for (long chunk = grid.from(task); chunk < to; chunk += CHUNK_VOXELS) {
            int count = (int) Math.min(CHUNK_VOXELS, to - chunk);
            argmaxChunk(pass, scratch.predicted, n, chunk, count);
            stageCountLabels(pass, scratch.labels, n, chunk, count);
            tallyChunk(pass.classes(), scratch.predicted, scratch.labels, confusion, at, count);
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

    /** Adds each unignored voxel's (predicted, target) pair of the chunk to the confusion counts at {@code at}. */
    private static void tallyChunk(int classes, int[] predicted, int[] labels, long[] confusion, int at, int count) {
        for (int i = 0; i < count; i++) {
            if (labels[i] != NO_LABEL) {
                confusion[at + predicted[i] * classes + labels[i]]++;
            }
        }
    }
}
