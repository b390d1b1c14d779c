package org.dice4j.internal.vectorization;

import static jdk.incubator.vector.VectorOperators.LT;
import static org.dice4j.internal.vectorization.ChunkGeometry.CHUNK_VOXELS;
import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.INTS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import org.dice4j.Activation;
import org.dice4j.internal.GradientPass;
import org.dice4j.internal.StatisticsPass;

/**
 * The gradient stages: ∂L/∂z of every class of the chunk into {@code chunk.gradient}, from the probabilities there (or
 * in the softmax stage's staging), the target and the image's coefficients (GradientCoefficients). Ignored voxels get
 * +0 in every channel.
 */
final class GradientStages {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GradientStages() {}

    /**
     * ∂L/∂p = a·g + b·p^(q−1) + e·sign(p − g) of one vector, with class c's a, b, e from {@code coefficients}
     * (GradientCoefficients): the sign term is 0 without the soft-label formulation (e = 0), and p^(q−1) is 1
     * unless {@code squared} is all true.
     */
    private static FloatVector lossByProbability(FloatVector p, FloatVector g, float[] coefficients, int c,
            VectorMask<Float> squared) {
        int base = c * GradientPass.COEFFICIENTS;
        int signed = coefficients.length / 2 + 2 * c;
        FloatVector a = FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.TARGET]);
        FloatVector b = FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]);
        // b + e·sign(p − g), with b + e and b − e each rounded once from double (GradientCoefficients).
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
    private static FloatVector targetVector(StatisticsPass pass, MemorySegment target, int[] labels, int foreground,
            long offset, int labelIndex) {
        if (pass.denseTarget()) {
            return FloatVector.fromMemorySegment(FLOATS, target, offset, NATIVE);
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, labelIndex).eq(foreground).cast(FLOATS);
        return FloatVector.zero(FLOATS).blend(1f, isForeground);
    }

    /**
     * ∂L/∂p = a·g + b of class c (q = 1, no sign term) for a vector of voxels: a·g + b against a dense target at
     * byte {@code offset}; against labels, a + b where the staged label at {@code labelIndex} is c's, else b.
     */
    private static FloatVector plainByProbability(StatisticsPass pass, MemorySegment target, int[] labels,
            float[] coefficients, int c, long offset, int labelIndex) {
        int base = c * GradientPass.COEFFICIENTS;
        float a = coefficients[base + GradientPass.TARGET];
        float b = coefficients[base + GradientPass.PREDICTION];
        if (pass.denseTarget()) {
            FloatVector g = FloatVector.fromMemorySegment(FLOATS, target, offset, NATIVE);
            return g.fma(FloatVector.broadcast(FLOATS, a), FloatVector.broadcast(FLOATS, b));
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, labelIndex).eq(pass.foregroundLabel(c))
                .cast(FLOATS);
        return FloatVector.broadcast(FLOATS, b).blend(a + b, isForeground);
    }

    /** κ_c·g of class c for a vector of voxels (the cross-entropy's part of the softmax gradient; 0 without it). */
    private static FloatVector crossEntropyByTarget(StatisticsPass pass, MemorySegment target, int[] labels,
            float[] coefficients, int c, long offset, int labelIndex) {
        float crossEntropy = coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY];
        if (pass.denseTarget()) {
            return FloatVector.fromMemorySegment(FLOATS, target, offset, NATIVE).mul(crossEntropy);
        }
        VectorMask<Float> isForeground = IntVector.fromArray(INTS, labels, labelIndex).eq(pass.foregroundLabel(c))
                .cast(FLOATS);
        return FloatVector.zero(FLOATS).blend(crossEntropy, isForeground);
    }

    /** As {@link #gradientElementwise}, for plain sums. */
    static void gradientElementwisePlain(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        long n = chunk.image;
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, n);
        int[] labels = scratch.labels;
        MemorySegment target = chunk.target;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
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
                FloatVector byProbability = plainByProbability(pass, target, labels, coefficients, c, at, i);
                FloatVector withCrossEntropy = p.sub(targetVector(pass, target, labels, foreground, at, i))
                        .fma(crossEntropy, byProbability.mul(jacobian));
                withCrossEntropy.blend(zero, ignored).intoMemorySegment(gradient, at, NATIVE);
            }
        }
    }

    /** As {@link #gradientSoftmax}, for plain sums. */
    static void gradientSoftmaxPlain(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        long n = chunk.image;
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, n);
        int[] labels = scratch.labels;
        MemorySegment target = chunk.target;
        int classes = pass.classes();
        long planeBytes = chunk.plane;
        long offset = chunk.base;
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            FloatVector weighted = zero;
            for (int c = 0; c < classes; c++) {
                long element = at + c * planeBytes;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
                weighted = p.fma(plainByProbability(pass, target, labels, coefficients, c, element, i), weighted);
                weighted = crossEntropyByTarget(pass, target, labels, coefficients, c, element, i).neg().add(weighted);
            }
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                long element = at + c * planeBytes;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
                p.mul(plainByProbability(pass, target, labels, coefficients, c, element, i).sub(weighted))
                        .sub(crossEntropyByTarget(pass, target, labels, coefficients, c, element, i))
                        .blend(zero, ignored).intoMemorySegment(gradient, element, NATIVE);
            }
        }
    }

    /**
     * As {@link #gradientSoftmaxPlain} against a label map y, where ∂L/∂p_c = b_c + a_c·[y = c] and the cross-entropy
     * adds −κ_c·[y = c]: ∂L/∂z_c = p_c·(b_c − s) + [y = c]·(a_c·p_c − κ_c) with s = Σ_k p_k·b_k + a_y·p_y − κ_y. The
     * labels stay in a register and every class costs one compare, instead of a label reload and blend per term.
     */
    static void gradientSoftmaxLabelsPlain(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        gradientSoftmaxLabelsPlain(pass, chunk, scratch, false);
    }

    /** As {@link #gradientSoftmaxLabelsPlain}, with the probabilities from the softmax stage's staging arrays. */
    static void gradientSoftmaxLabelsPlainStaged(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        gradientSoftmaxLabelsPlain(pass, chunk, scratch, true);
    }

    private static void gradientSoftmaxLabelsPlain(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            boolean fromStaging) {
        int count = chunk.count;
        float[] probabilities = scratch.probabilities;
        float[] scale = scratch.scale;
        FloatVector zero = FloatVector.zero(FLOATS);
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, chunk.image);
        int[] labels = scratch.labels;
        int classes = pass.classes();
        long planeBytes = chunk.plane;
        long offset = chunk.base;
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            IntVector label = IntVector.fromArray(INTS, labels, i);
            FloatVector voxelScale = FloatVector.fromArray(FLOATS, scale, i);
            FloatVector weighted = zero;
            FloatVector targetTerm = zero;
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                FloatVector p = softmaxProbability(fromStaging, probabilities, voxelScale, c, i, gradient,
                        at + c * planeBytes);
                weighted = p.fma(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]), weighted);
                VectorMask<Float> isClass = label.eq(pass.foregroundLabel(c)).cast(FLOATS);
                targetTerm = targetTerm.blend(classTerm(p, coefficients, base), isClass);
            }
            weighted = weighted.add(targetTerm);
            // Ignored voxels hold p = 0 and match no class; the blend keeps their gradient +0 rather than −0.
            VectorMask<Float> ignored = label.compare(LT, 0).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                int base = c * GradientPass.COEFFICIENTS;
                long element = at + c * planeBytes;
                FloatVector p = softmaxProbability(fromStaging, probabilities, voxelScale, c, i, gradient, element);
                VectorMask<Float> isClass = label.eq(pass.foregroundLabel(c)).cast(FLOATS);
                p.mul(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.PREDICTION]).sub(weighted))
                        .add(classTerm(p, coefficients, base), isClass).blend(zero, ignored)
                        .intoMemorySegment(gradient, element, NATIVE);
            }
        }
    }

    /** p_c of vector {@code i}: from the softmax stage's staging (times the voxels' scale), or the gradient buffer. */
    private static FloatVector softmaxProbability(boolean fromStaging, float[] probabilities, FloatVector voxelScale,
            int c, int i, MemorySegment gradient, long element) {
        return fromStaging
                ? FloatVector.fromArray(FLOATS, probabilities, c * CHUNK_VOXELS + i).mul(voxelScale)
                : FloatVector.fromMemorySegment(FLOATS, gradient, element, NATIVE);
    }

    /** a_c·p_c − κ_c: the term of the voxel's own class (coefficients of class c from {@code base}). */
    private static FloatVector classTerm(FloatVector p, float[] coefficients, int base) {
        return p.fma(FloatVector.broadcast(FLOATS, coefficients[base + GradientPass.TARGET]),
                FloatVector.broadcast(FLOATS, -coefficients[base + GradientPass.CROSS_ENTROPY]));
    }

    /** Sigmoid or identity ∂L/∂z of every class of the chunk, from the probabilities in {@code chunk.gradient}. */
    static void gradientElementwise(StatisticsPass pass, ChunkCursor chunk, Scratch scratch,
            LaneSums laneSums) {
        long n = chunk.image;
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        FloatVector one = FloatVector.broadcast(FLOATS, 1f);
        VectorMask<Float> squared = FLOATS.maskAll(pass.squared());
        VectorMask<Float> sigmoid = FLOATS.maskAll(pass.activation() == Activation.SIGMOID);
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, n);
        int[] labels = scratch.labels;
        MemorySegment target = chunk.target;
        for (int c = 0; c < pass.classes(); c++) {
            long offset = chunk.base + c * chunk.plane;
            int foreground = pass.foregroundLabel(c);
            for (int i = 0; i < count; i += LANES) {
                long at = offset + (long) i * Float.BYTES;
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at, NATIVE);
                FloatVector g = targetVector(pass, target, labels, foreground, at, i);
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
     * Softmax ∂L/∂z_c = p_c·(∂L/∂p_c − Σ_k p_k·∂L/∂p_k) of the chunk, from the probabilities in {@code chunk.gradient}:
     * one class-major sweep for the per-voxel sum, one to write.
     */
    static void gradientSoftmax(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums) {
        long n = chunk.image;
        int count = chunk.count;
        FloatVector zero = FloatVector.zero(FLOATS);
        VectorMask<Float> squared = FLOATS.maskAll(pass.squared());
        VectorMask<Integer> maskable = INTS.maskAll(!pass.denseTarget());
        MemorySegment gradient = chunk.gradient;
        float[] coefficients = scratch.coefficients.forImage(pass, n);
        int[] labels = scratch.labels;
        MemorySegment target = chunk.target;
        int classes = pass.classes();
        long planeBytes = chunk.plane;
        long offset = chunk.base;
        // Voxel-major: Σ_k p_k·∂L/∂p_k stays in a register, and the class planes' lines are read together.
        for (int i = 0; i < count; i += LANES) {
            long at = offset + (long) i * Float.BYTES;
            FloatVector weighted = zero;
            for (int c = 0; c < classes; c++) {
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at + c * planeBytes, NATIVE);
                FloatVector g = targetVector(pass, target, labels, pass.foregroundLabel(c), at + c * planeBytes, i);
                FloatVector crossEntropy = FloatVector.broadcast(FLOATS,
                        coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY]);
                weighted = g.neg().fma(crossEntropy,
                        p.fma(lossByProbability(p, g, coefficients, c, squared), weighted));
            }
            VectorMask<Float> ignored = IntVector.fromArray(INTS, labels, i).compare(LT, 0).and(maskable).cast(FLOATS);
            for (int c = 0; c < classes; c++) {
                FloatVector p = FloatVector.fromMemorySegment(FLOATS, gradient, at + c * planeBytes, NATIVE);
                FloatVector g = targetVector(pass, target, labels, pass.foregroundLabel(c), at + c * planeBytes, i);
                FloatVector crossEntropy = FloatVector.broadcast(FLOATS,
                        coefficients[c * GradientPass.COEFFICIENTS + GradientPass.CROSS_ENTROPY]);
                g.neg().fma(crossEntropy, p.mul(lossByProbability(p, g, coefficients, c, squared).sub(weighted)))
                        .blend(zero, ignored).intoMemorySegment(gradient, at + c * planeBytes, NATIVE);
            }
        }
    }
}
