package org.dice4j.cli;

import java.lang.foreign.Arena;
import java.util.Arrays;
import org.dice4j.Tensor;

/**
 * How a prediction file and its reference are read together. Per case, the reference is a label map {@code
 * (spatial…)} or {@code (1, spatial…)}; the prediction is a label map of those spatial dims (alone or after a size-1
 * axis) or scores {@code (C, spatial…)} or {@code (1, C, spatial…)}. Two .npy files in a batched form the library
 * takes ({@code (N, C, spatial…)} or {@code (N, spatial…)} against {@code (N, spatial…)}, or a dense target of the
 * logits' shape) keep that reading, which is tried first; NIfTI volumes hold one case and are always read per case.
 */
final class CasePair {
    private CasePair() {}

    /** The two tensors for {@link org.dice4j.DiceMetric#compute}: per case, one image (N = 1). */
    static Tensor[] forMetric(CaseFile prediction, CaseFile reference, Arena arena) {
        long[] predicted = prediction.shape();
        long[] referenced = reference.shape();
        if (!prediction.isNifti() && !reference.isNifti()
                && (!reference.storesIntegers() || batched(predicted, prediction.storesIntegers(), referenced))) {
            return new Tensor[] {prediction.tensor(arena), reference.tensor(arena)};
        }
        long[] spatial = withoutLeadingOne(referenced);
        Tensor labels = reference.labels(arena);
        Tensor target = reshape(labels, prepend(1, spatial));
        if (sameSpatial(predicted, spatial) && (prediction.storesIntegers() || prediction.isNifti())) {
            return new Tensor[] {reshape(prediction.labels(arena), prepend(1, spatial)), target};
        }
        long[] channels = withoutLeadingOne(predicted);
        if (channels.length == spatial.length + 1 && Arrays.equals(tail(channels), spatial)
                && !prediction.storesIntegers()) {
            return new Tensor[] {reshape(prediction.scores(arena), prepend(1, channels)), target};
        }
        throw mismatch(prediction, reference);
    }

    /** The two label maps of a pair, of the same voxel count, for counting per label or region. */
    static Tensor[] labelMaps(CaseFile prediction, CaseFile reference, Arena arena) {
        long[] spatial = withoutLeadingOne(reference.shape());
        if (!sameSpatial(prediction.shape(), spatial)) {
            if (withoutLeadingOne(prediction.shape()).length == spatial.length + 1 && !prediction.storesIntegers()) {
                throw new IllegalArgumentException(prediction.path() + ": a score volume (" + prediction.describeShape()
                        + "); nnU-Net's summary compares label maps: argmax it into one first");
            }
            throw mismatch(prediction, reference);
        }
        return new Tensor[] {prediction.labels(arena), reference.labels(arena)};
    }

    /** The library's batched forms of two .npy arrays with a label-map target. */
    private static boolean batched(long[] prediction, boolean labelPrediction, long[] target) {
        if (labelPrediction) {
            return target.length >= 2 && Arrays.equals(prediction, target);
        }
        return target.length >= 2 && prediction.length == target.length + 1 && prediction[0] == target[0]
                && Arrays.equals(Arrays.copyOfRange(prediction, 2, prediction.length), tail(target));
    }

    private static boolean sameSpatial(long[] shape, long[] spatial) {
        return Arrays.equals(shape, spatial) || Arrays.equals(withoutLeadingOne(shape), spatial);
    }

    private static long[] withoutLeadingOne(long[] shape) {
        return shape.length > 1 && shape[0] == 1 ? tail(shape) : shape;
    }

    private static long[] tail(long[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    private static long[] prepend(long first, long[] shape) {
        long[] longer = new long[shape.length + 1];
        longer[0] = first;
        System.arraycopy(shape, 0, longer, 1, shape.length);
        return longer;
    }

    private static Tensor reshape(Tensor tensor, long[] shape) {
        return Tensor.of(tensor.segment(), tensor.dtype(), shape);
    }

    private static IllegalArgumentException mismatch(CaseFile prediction, CaseFile reference) {
        long[] scores = prediction.shape();
        long[] labels = reference.shape();
        if (!prediction.storesIntegers()
                && ChannelsLastHint.fitsOnlyChannelsLast(scores, reference.storesIntegers(), labels)) {
            return ChannelsLastHint.forMetric(prediction.path(), scores, labels, reference.path());
        }
        return new IllegalArgumentException(prediction.path() + ": " + prediction.describeShape() + " does not fit the"
                + " reference " + reference.path() + " (" + reference.describeShape() + "): expected a label map of"
                + " the same spatial dims (alone or after a size-1 axis) or scores (C, spatial…)");
    }
}
