package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;
import static org.dice4j.internal.vectorization.VectorConstants.SHORTS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.StatisticsPass;

/**
 * Staged chunks (channels-last, half-precision logits, a half-precision gradient): STAGE_IN copies the chunk's logits
 * (and a dense target) into the channels-first float32 staging buffers, transposed and converted as needed, and points
 * the following stages at them, so that they run unchanged on the same values (contiguous chunks: in the same order,
 * with the bits of the channels-first float32 tensor holding the converted values; region chunks: other voxels in
 * each lane, see PassDriver#regionStride). STAGE_OUT writes the staged gradient into the caller's, transposed and
 * converted. Half-precision values are read and written by the passes' own conversions (StatisticsPass#logit,
 * GradientPass#write).
 */
final class LayoutStaging {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private LayoutStaging() {}

    /** Channels-last with more than one class (with one, both layouts hold the same bytes). */
    static boolean interleaved(StatisticsPass pass) {
        return pass.channelsLast() && pass.classes() > 1;
    }

    /**
     * Whether the stages read staged float32 copies of each chunk: channels-last or float16 logits (bfloat16 logits in
     * channels-first order are read where they lie, widened by a shift).
     */
    static boolean staged(StatisticsPass pass) {
        return interleaved(pass) || pass.logitType() == DType.FLOAT16;
    }

    static void stageIn(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        long n = chunk.image;
        long voxel = chunk.voxel;
        int count = chunk.count;
        int classes = pass.classes();
        chunk.pendingLogits = null;
        if (chunk.regionStride != 0) {
            stageRegions(pass, chunk, scratch);
            return;
        }
        if (interleaved(pass)) {
            long first = pass.element(n, 0, voxel);
            deinterleave(pass, pass.logits(), pass.logitType(), first, count, scratch, scratch.stagedLogits);
            if (pass.denseTarget()) {
                deinterleave(pass, pass.target(), DType.FLOAT32, first, count, scratch, scratch.stagedTarget);
            }
        } else {
            for (int c = 0; c < classes; c++) {
                long staged = (long) c * CHUNK_VOXELS * Float.BYTES;
                long first = pass.element(n, c, voxel);
                convertIn(pass, pass.logits(), pass.logitType(), first, count, scratch.stagedLogits, staged);
                if (pass.denseTarget()) {
                    convertIn(pass, pass.target(), DType.FLOAT32, first, count, scratch.stagedTarget, staged);
                }
            }
        }
        chunk.pointAtStaging(pass, scratch);
    }

    /**
     * Region chunks: line s of the 16 regions' blocks (each a block of 16 voxels × C classes, C lines) is transposed
     * into 16 vectors; vector l holds float f = 16s + l of every region's block, that is class f mod C of voxel-vector
     * f / C, and goes to that place of the planar staging (Scratch#regionRows, Scratch#planarRows).
     */
    private static void stageRegions(StatisticsPass pass, ChunkCursor chunk, Scratch scratch) {
        int classes = pass.classes();
        long first = pass.element(chunk.image, 0, chunk.voxel) * Float.BYTES;
        long[] regionRows = scratch.regionRows(classes, chunk.regionStride);
        if (pass.activation() == Activation.SOFTMAX) {
            // Transposed group by group in the softmax stage.
            chunk.pendingLogits = pass.logits();
            chunk.pendingFirst = first;
        } else {
            Transpose16.transpose(pass.logits(), first, regionRows, scratch.stagedLogits, 0, scratch.planarRows, 0,
                    classes);
        }
        if (pass.denseTarget()) {
            Transpose16.transpose(pass.target(), first, regionRows, scratch.stagedTarget, 0, scratch.planarRows, 0,
                    classes);
        }
        chunk.pointAtStaging(pass, scratch);
    }

    static void stageOut(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        long n = chunk.image;
        long voxel = chunk.voxel;
        int count = chunk.count;
        int classes = pass.classes();
        GradientPass output = chunk.output;
        if (chunk.regionStride != 0) {
            // Region chunks: the planar staged gradient transposed back into line s of the 16 regions' blocks.
            Transpose16.transpose(scratch.stagedGradient, 0, scratch.planarRows, output.gradient(),
                    pass.element(n, 0, voxel) * Float.BYTES, scratch.regionRows(classes, chunk.regionStride), 0,
                    classes);
            return;
        }
        if (interleaved(pass)) {
            interleave(scratch.stagedGradient, count, classes, scratch, output, pass.element(n, 0, voxel));
        } else {
            for (int c = 0; c < classes; c++) {
                convertOut(scratch.stagedGradient, (long) c * CHUNK_VOXELS * Float.BYTES, count, output,
                        pass.element(n, c, voxel));
            }
        }
    }

    /**
     * Copies {@code count × classes} interleaved values of {@code type} (the logits' own, or float32) from element
     * {@code first} into planar float32 {@code staged}.
     */
    private static void deinterleave(StatisticsPass pass, MemorySegment source, DType type, long first, int count,
            Scratch scratch, MemorySegment staged) {
        int classes = pass.classes();
        float[] interleaved = scratch.interleaved;
        if (type == DType.FLOAT32) {
            MemorySegment.copy(source, ValueLayout.JAVA_FLOAT_UNALIGNED, first * Float.BYTES, interleaved, 0,
                    count * classes);
        } else {
            for (int i = 0; i < count * classes; i++) {
                interleaved[i] = pass.logit(first + i);
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < count; i += LANES) {
                FloatVector.fromArray(FLOATS, interleaved, i * classes + c, scratch.laneStride, 0)
                        .intoMemorySegment(staged, (long) (c * CHUNK_VOXELS + i) * Float.BYTES, NATIVE);
            }
        }
    }

    /** Writes planar {@code staged} as {@code count × classes} interleaved gradient values from {@code first}. */
    private static void interleave(MemorySegment staged, int count, int classes, Scratch scratch, GradientPass output,
            long first) {
        float[] interleaved = scratch.interleaved;
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < count; i += LANES) {
                FloatVector.fromMemorySegment(FLOATS, staged, (long) (c * CHUNK_VOXELS + i) * Float.BYTES, NATIVE)
                        .intoArray(interleaved, i * classes + c, scratch.laneStride, 0);
            }
        }
        if (output.gradientType() == DType.FLOAT32) {
            MemorySegment.copy(interleaved, 0, output.gradient(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                    first * Float.BYTES, count * classes);
        } else {
            for (int i = 0; i < count * classes; i++) {
                output.write(first + i, interleaved[i]);
            }
        }
    }

    /**
     * {@code count} values of {@code type} (the logits' own, or float32) from element {@code first} as float32 at byte
     * {@code stagedOffset}.
     */
    private static void convertIn(StatisticsPass pass, MemorySegment source, DType type, long first, int count,
            MemorySegment staged, long stagedOffset) {
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
            staged.set(ValueLayout.JAVA_FLOAT, stagedOffset + (long) i * Float.BYTES, pass.logit(first + i));
        }
    }

    /** {@code count} float32 values at byte {@code stagedOffset} written into the gradient from {@code first}. */
    private static void convertOut(MemorySegment staged, long stagedOffset, int count, GradientPass output,
            long first) {
        if (output.gradientType() == DType.FLOAT32) {
            MemorySegment.copy(staged, stagedOffset, output.gradient(), first * Float.BYTES,
                    (long) count * Float.BYTES);
            return;
        }
        for (int i = 0; i < count; i++) {
            output.write(first + i, staged.get(ValueLayout.JAVA_FLOAT, stagedOffset + (long) i * Float.BYTES));
        }
    }
}
