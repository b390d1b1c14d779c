package org.dice4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.dice4j.Activation;
import org.dice4j.Reduction;
import org.dice4j.Variant;

/**
 * The loss of a {@link DjlCase} written in DJL NDArray operations, as a DJL user would write it, in float64 (so that
 * the comparison measures dice4j's float32 rounding, not the reference's): DJL's autograd differentiates it. The
 * formulas are the library's contract (docs/semantics.md): statistics I, P, G per (image, class) over unmasked voxels,
 * Dice {@code (2I + s_nr)/(P + G + s_dr)} or Jaccard {@code (I + s_nr)/(P + G − I + s_dr)}, terms {@code 1 − S},
 * MEAN or SUM over the counted terms, plus λ_ce times the mean cross-entropy over unmasked voxels (softmax) or
 * elements (sigmoid). The logits must be float64 already: DJL's {@code toType} is not differentiable.
 */
final class NDArrayDiceReference {
    private NDArrayDiceReference() {}

    static NDArray loss(DjlCase c, NDArray logits, NDArray labels) {
        NDArray z = logits;
        int[] spatial = IntStream.range(2, c.shape().length).toArray();
        NDArray p = c.activation() == Activation.SIGMOID ? ai.djl.nn.Activation.sigmoid(z) : z.softmax(1);
        NDArray mask = mask(c, labels);
        NDArray g = target(c, labels).mul(mask);
        NDArray pm = p.mul(mask);
        NDArray intersection = pm.mul(g).sum(spatial);
        NDArray predicted = (c.squared() ? pm.mul(pm) : pm).sum(spatial);
        NDArray truth = (c.squared() ? g.mul(g) : g).sum(spatial);
        if (c.batch()) {
            intersection = intersection.sum(new int[] {0}, true);
            predicted = predicted.sum(new int[] {0}, true);
            truth = truth.sum(new int[] {0}, true);
        }
        NDArray score = c.variant() == Variant.DICE
                ? intersection.mul(2).add(c.smoothNumerator()).div(predicted.add(truth).add(c.smoothDenominator()))
                : intersection.add(c.smoothNumerator())
                        .div(predicted.add(truth).sub(intersection).add(c.smoothDenominator()));
        NDArray terms = score.neg().add(1);
        if (!c.includeBackground()) {
            terms = terms.get(":, 1:");
        }
        NDArray dice = (c.reduction() == Reduction.MEAN ? terms.mean() : terms.sum()).mul(c.lambdaDice());
        return c.lambdaCrossEntropy() == 0 ? dice
                : dice.add(crossEntropy(c, z, g, mask).mul(c.lambdaCrossEntropy()));
    }

    /** 1 where a voxel counts, shape (N, 1, spatial…) (ones for a dense target). */
    private static NDArray mask(DjlCase c, NDArray labels) {
        NDArray map = labelMap(c, labels);
        if (map == null || c.ignoreIndex().isEmpty()) {
            return labels.getManager().ones(channelShape(c)).toType(DataType.FLOAT64, false);
        }
        return map.neq(c.ignoreIndex().getAsLong()).toType(DataType.FLOAT64, false);
    }

    /** g: the dense target, or the one-hot of the label map (the map itself for C = 1). */
    private static NDArray target(DjlCase c, NDArray labels) {
        NDArray map = labelMap(c, labels);
        if (map == null) {
            return labels.toType(DataType.FLOAT64, false);
        }
        if (c.classes() == 1) {
            return map.toType(DataType.FLOAT64, false);
        }
        long[] classShape = new long[c.shape().length];
        Arrays.fill(classShape, 1);
        classShape[1] = c.classes();
        NDArray classes = labels.getManager().arange(c.classes()).toType(DataType.INT64, false)
                .reshape(classShape);
        return map.eq(classes).toType(DataType.FLOAT64, false);
    }

    /** The label map as int64 (N, 1, spatial…), or null for a dense target. */
    private static NDArray labelMap(DjlCase c, NDArray labels) {
        if (c.dense()) {
            return null;
        }
        return labels.toType(DataType.INT64, false).reshape(channelShape(c));
    }

    private static Shape channelShape(DjlCase c) {
        long[] shape = c.shape().clone();
        shape[1] = 1;
        return new Shape(shape);
    }

    /**
     * Softmax: mean over unmasked voxels of −Σ_c g·ln p; sigmoid: BCE with logits, mean over unmasked elements. With
     * every voxel masked (M = 0) the contract's L_ce is 0 with gradient 0: the numerator is then 0, so over max(M, 1).
     */
    private static NDArray crossEntropy(DjlCase c, NDArray z, NDArray g, NDArray mask) {
        NDArray counted = mask.sum().maximum(1);
        if (c.activation() == Activation.SOFTMAX) {
            return g.mul(z.logSoftmax(1)).sum().neg().div(counted);
        }
        NDArray elementwise = z.maximum(0).sub(z.mul(g)).add(z.abs().neg().exp().add(1).log());
        return elementwise.mul(mask).sum().div(counted.mul(c.classes()));
    }
}
