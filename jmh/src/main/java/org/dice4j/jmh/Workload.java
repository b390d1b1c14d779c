package org.dice4j.jmh;

import java.util.Arrays;
import java.util.Locale;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;

/**
 * The benchmarked problems: a logits shape, the activation fused into the pass and the target's type. The names
 * are the values of the benchmarks' {@code workload} parameter.
 */
public enum Workload {
    /** 2D binary segmentation: batch 16, one channel, 256×256, sigmoid, dense 0/1 float32 mask. */
    SIGMOID_DENSE("sigmoid-dense", Activation.SIGMOID, DType.FLOAT32, 16, 1, 256, 256),
    /**
     * The same with 255×257 voxels per image: not a multiple of any lane count, so every image ends in the
     * kernels' scalar tail (and the {@code @Setup} check covers it).
     */
    SIGMOID_DENSE_ODD("sigmoid-dense-odd", Activation.SIGMOID, DType.FLOAT32, 16, 1, 255, 257),
    /** 3D multi-class segmentation: batch 2, 14 classes, 96³, softmax, uint8 label map (N, D, H, W). */
    SOFTMAX_LABELS("softmax-labels", Activation.SOFTMAX, DType.UINT8, 2, 14, 96, 96, 96),
    /** 2D multi-class segmentation: batch 8, 4 classes, 256², softmax, uint8 label map (issue 10's grid). */
    SOFTMAX_2D("softmax-2d", Activation.SOFTMAX, DType.UINT8, 8, 4, 256, 256),
    /** A small batch, where per-call overheads show: 4 images, 3 classes, 64², softmax, uint8 labels. */
    SOFTMAX_SMALL("softmax-small", Activation.SOFTMAX, DType.UINT8, 4, 3, 64, 64),
    /** Issue 10's grid, not in the default run: the 2-D binary shape against a uint8 label map (0/1). */
    SIGMOID_LABELS("sigmoid-labels", Activation.SIGMOID, DType.UINT8, 16, 1, 256, 256),
    /** The grid: the 2-D multi-class shape as a multi-label problem, 4 sigmoid channels, dense 0/1 targets. */
    SIGMOID_MULTILABEL_2D("sigmoid-multilabel-2d", Activation.SIGMOID, DType.FLOAT32, 8, 4, 256, 256),
    /** The grid: the 2-D multi-class shape with a float32 one-hot target instead of a label map. */
    SOFTMAX_DENSE_2D("softmax-dense-2d", Activation.SOFTMAX, DType.FLOAT32, 8, 4, 256, 256),
    /**
     * Diagnostic, not in the default run: softmax-labels' data as 884 752 = 96³ + 16 voxels on one axis, so that
     * consecutive class planes start one cache line apart modulo 4 KiB instead of at the same 4 KiB offset.
     */
    SOFTMAX_LABELS_SKEWED("softmax-labels-skewed", Activation.SOFTMAX, DType.UINT8, 2, 14, 884_752),
    /**
     * Diagnostic, not in the default run: softmax-labels' class count on 2 × 32³ voxels, 3.7 MB of logits that stay
     * in the L3 cache between calls, to separate the cost of DRAM from that of the arithmetic.
     */
    SOFTMAX_LABELS_CACHED("softmax-labels-cached", Activation.SOFTMAX, DType.UINT8, 2, 14, 32, 32, 32),
    /** 10⁸ voxels in one image and one channel, for {@link Accuracy} (not benchmarked). */
    ACCURACY_SIGMOID_DENSE("accuracy-sigmoid-dense", Activation.SIGMOID, DType.FLOAT32, 1, 1, 100_000_000),
    /** 10⁸ logits as 4 classes × 25·10⁶ voxels with a uint8 label map, for {@link Accuracy} (not benchmarked). */
    ACCURACY_SOFTMAX_LABELS("accuracy-softmax-labels", Activation.SOFTMAX, DType.UINT8, 1, 4, 25_000_000);

    private final String id;
    private final Activation activation;
    private final DType targetType;
    private final long[] shape;

    Workload(String id, Activation activation, DType targetType, long... shape) {
        this.id = id;
        this.activation = activation;
        this.targetType = targetType;
        this.shape = shape;
    }

    public static Workload of(String id) {
        for (Workload workload : values()) {
            if (workload.id.equals(id)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("workload: expected one of " + Arrays.toString(ids()) + ", got '" + id + "'");
    }

    static String[] ids() {
        return Arrays.stream(values()).map(Workload::id).toArray(String[]::new);
    }

    public String id() {
        return id;
    }

    public Activation activation() {
        return activation;
    }

    public DType targetType() {
        return targetType;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Logit elements N·C·S: the unit of every elements/s figure. */
    public long elements() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The loss users would build for this problem (the classic formulation: smoothing 1, mean reduction). */
    public DiceLoss loss() {
        return activation == Activation.SOFTMAX ? DiceLoss.multiClass() : DiceLoss.binary();
    }

    /** E.g. {@code (2,14,96,96,96) softmax, uint8 labels}. */
    public String describe() {
        StringBuilder text = new StringBuilder("(");
        for (int axis = 0; axis < shape.length; axis++) {
            text.append(axis == 0 ? "" : ",").append(shape[axis]);
        }
        return text.append(") ").append(activation.name().toLowerCase(Locale.ROOT)).append(", ")
                .append(targetType == DType.FLOAT32 ? "dense float32 target" : "uint8 labels").toString();
    }
}
