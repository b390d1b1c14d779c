package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LT;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VECTORS;
import static org.dice4j.internal.vectorization.VectorConstants.BYTES;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.DType;
import org.dice4j.internal.ScalarRanges;
import org.dice4j.internal.StatisticsPass;

/**
 * The label stage: a label map's labels of the chunk decoded into the staged ints, checked against [0, labelLimit)
 * and the ignore index (ignored voxels become {@link ScalarRanges#MASKED}, which matches no class). A bad label
 * throws for the first one in voxel order, whatever the chunk shape.
 */
final class LabelStages {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int NO_LABEL = ScalarRanges.MASKED;

    private LabelStages() {}

    /**
     * Writes the labels of the chunk's voxels into {@code scratch.labels} as ints, with {@link ScalarRanges#MASKED}
     * where the voxel is ignored; throws for a label out of range.
     */
    static void stageLabels(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        long n = chunk.image;
        long voxel = chunk.voxel;
        int count = chunk.count;
        int[] labels = scratch.labels;
        DType type = pass.targetType();
        if (type != DType.INT32 && (type != DType.UINT8 || BYTES == null)) {
            // int64 (no int64 species has as many lanes as the floats) or uint8 on a narrow machine: lane by lane.
            readLaneByLane(pass, chunk, labels);
            return;
        }
        if (chunk.regionStride != 0) {
            regionLabels(pass, chunk, scratch);
        } else if (type == DType.UINT8) {
            long index = n * pass.voxels() + voxel;
            MemorySegment target = pass.target();
            for (int i = 0; i < count; i += LANES) {
                widenBytes(target, index + i).intoArray(labels, i);
            }
        } else {
            long index = n * pass.voxels() + voxel;
            MemorySegment target = pass.target();
            for (int i = 0; i < count; i += LANES) {
                IntVector.fromMemorySegment(INTS, target, (index + i) * Integer.BYTES, NATIVE).intoArray(labels, i);
            }
        }
        checkLabels(pass, chunk, labels);
    }

    /** uint8 labels at byte {@code index}, widened to unsigned ints. */
    private static IntVector widenBytes(MemorySegment target, long index) {
        return ((IntVector) ByteVector.fromMemorySegment(BYTES, target, index, NATIVE).convertShape(B2I, INTS, 0))
                .and(0xFF);
    }

    /** Whether a decoded uint8 or int32 label can equal the ignore index at all. */
    private static boolean ignoreMatchable(StatisticsPass pass) {
        return pass.targetType() == DType.UINT8
                ? pass.hasIgnore() && pass.ignoreIndex() >= 0 && pass.ignoreIndex() <= 0xFF
                : pass.hasIgnore() && pass.ignoreIndex() == (int) pass.ignoreIndex();
    }

    /** Range-checks the decoded labels of the chunk and replaces the ignored ones by NO_LABEL. */
    private static void checkLabels(StatisticsPass pass, ChunkCursor chunk, int[] labels) {
        int count = chunk.count;
        VectorMask<Integer> matchIgnore = INTS.maskAll(ignoreMatchable(pass));
        int ignore = (int) pass.ignoreIndex();
        int limit = pass.labelLimit();
        for (int i = 0; i < count; i += LANES) {
            IntVector label = IntVector.fromArray(INTS, labels, i);
            VectorMask<Integer> ignored = label.eq(ignore).and(matchIgnore);
            VectorMask<Integer> outOfRange = label.compare(LT, 0).or(label.compare(GE, limit)).andNot(ignored);
            if (outOfRange.anyTrue()) {
                int lane = outOfRange.firstTrue();
                if (chunk.regionStride != 0) {
                    throwFirstBadLabel(pass, chunk);
                }
                throw pass.labelOutOfRange(chunk.image, chunk.voxel + i + lane, label.lane(lane));
            }
            label.blend(NO_LABEL, ignored).intoArray(labels, i);
        }
    }

    /** The chunk's labels read and checked one at a time (contiguous or region chunks). */
    private static void readLaneByLane(StatisticsPass pass, ChunkCursor chunk, int[] labels) {
        long n = chunk.image;
        long voxel = chunk.voxel;
        if (chunk.regionStride == 0) {
            for (int i = 0; i < chunk.count; i++) {
                labels[i] = ScalarRanges.readLabel(pass, n, voxel + i);
            }
            return;
        }
        for (int i = 0; i < chunk.count; i++) {
            // Lane i % LANES is region i % LANES; vector i / LANES its voxel from the region's start.
            long at = voxel + i % LANES * chunk.regionStride + i / LANES;
            try {
                labels[i] = ScalarRanges.readLabel(pass, n, at);
            } catch (IllegalArgumentException e) {
                throwFirstBadLabel(pass, chunk);
            }
        }
    }

    /**
     * Region chunks meet a task's labels out of voxel order: on a bad label the task's labels are read again in
     * order, so that the error names the first one, as every other path and thread count does.
     */
    private static void throwFirstBadLabel(StatisticsPass pass, ChunkCursor chunk) {
        for (long v = chunk.taskFrom; v < chunk.taskTo; v++) {
            ScalarRanges.readLabel(pass, chunk.image, v);
        }
        throw new IllegalStateException("no bad label in the task");
    }

    /**
     * Region chunks: the uint8 or int32 labels of voxel-vector v, lane j (voxel {@code voxel + v} of region j) at
     * {@code labels[v·LANES + j]}, unchecked: 16 contiguous labels of each region widened into a row of an int array,
     * then gathered a column at a time.
     */
    private static void regionLabels(StatisticsPass pass, ChunkCursor chunk, Scratch scratch) {
        int[] labels = scratch.labels;
        int[] rows = scratch.labelRows;
        long index = chunk.image * pass.voxels() + chunk.voxel;
        MemorySegment target = pass.target();
        boolean uint8 = pass.targetType() == DType.UINT8;
        for (int region = 0; region < LANES; region++) {
            long at = index + region * chunk.regionStride;
            IntVector row = uint8 ? widenBytes(target, at)
                    : IntVector.fromMemorySegment(INTS, target, at * Integer.BYTES, NATIVE);
            row.intoArray(rows, region * LANES);
        }
        // Gathers from an array: the rows and the transposed block through a segment cost ~2 ms of a 20 ms forward
        // on (2,14,96³) (C2 reloads a segment's fields after every store into one).
        for (int v = 0; v < CHUNK_VECTORS; v++) {
            IntVector.fromArray(INTS, rows, v, scratch.regionLanes, 0).intoArray(labels, v * LANES);
        }
    }
}
