package org.dice4j.conformance;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.dice4j.Tensor;

/** A dense row-major array of doubles with its shape: an upstream input before it becomes a {@link Tensor}. */
record Nd(double[] data, long[] shape) {

    static Nd of(JsonElement json) {
        List<Long> shape = new ArrayList<>();
        JsonElement probe = json;
        while (probe.isJsonArray()) {
            shape.add((long) probe.getAsJsonArray().size());
            if (probe.getAsJsonArray().isEmpty()) {
                break;
            }
            probe = probe.getAsJsonArray().get(0);
        }
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        List<Double> values = new ArrayList<>();
        flatten(json, dims, 0, values);
        return new Nd(values.stream().mapToDouble(Double::doubleValue).toArray(), dims);
    }

    private static void flatten(JsonElement json, long[] dims, int axis, List<Double> out) {
        if (axis == dims.length) {
            if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("expected a number, got " + json);
            }
            out.add(json.getAsDouble());
            return;
        }
        if (!json.isJsonArray() || json.getAsJsonArray().size() != dims[axis]) {
            throw new IllegalArgumentException("ragged array at axis " + axis + ": " + json);
        }
        for (JsonElement e : json.getAsJsonArray()) {
            flatten(e, dims, axis + 1, out);
        }
    }

    static Nd zeros(long... shape) {
        return new Nd(new double[Math.toIntExact(product(shape))], shape.clone());
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    int rank() {
        return shape.length;
    }

    long size() {
        return data.length;
    }

    Nd reshape(long... newShape) {
        if (product(newShape) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Nd(data, newShape.clone());
    }

    Nd map(DoubleUnaryOperator f) {
        return new Nd(Arrays.stream(data).map(f).toArray(), shape);
    }

    /** log_softmax over axis 1, in double, max-subtracted. */
    Nd logSoftmaxOverAxis1() {
        int n = (int) shape[0];
        int channels = (int) shape[1];
        int inner = data.length / (n * channels);
        double[] out = new double[data.length];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < inner; v++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int ch = 0; ch < channels; ch++) {
                    max = Math.max(max, data[(i * channels + ch) * inner + v]);
                }
                double sum = 0;
                for (int ch = 0; ch < channels; ch++) {
                    sum += Math.exp(data[(i * channels + ch) * inner + v] - max);
                }
                // (z − max) − ln Σ: max + ln Σ − z would lose ln Σ to rounding for a large max.
                double logSum = Math.log(sum);
                for (int ch = 0; ch < channels; ch++) {
                    out[(i * channels + ch) * inner + v] = (data[(i * channels + ch) * inner + v] - max) - logSum;
                }
            }
        }
        return new Nd(out, shape);
    }

    /** (N, s1…sk, C) → (N, C, s1…sk). */
    Nd channelsLastToFirst() {
        int n = (int) shape[0];
        int channels = (int) shape[shape.length - 1];
        int inner = data.length / (n * channels);
        double[] out = new double[data.length];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < inner; v++) {
                for (int ch = 0; ch < channels; ch++) {
                    out[(i * channels + ch) * inner + v] = data[(i * inner + v) * channels + ch];
                }
            }
        }
        long[] newShape = new long[shape.length];
        newShape[0] = shape[0];
        newShape[1] = channels;
        System.arraycopy(shape, 1, newShape, 2, shape.length - 2);
        return new Nd(out, newShape);
    }

    Tensor float32() {
        float[] values = new float[data.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data[i];
        }
        return Tensor.of(values, shape);
    }

    /** An int64 label map; every value must be an integer. */
    Tensor int64() {
        long[] values = new long[data.length];
        for (int i = 0; i < values.length; i++) {
            if (data[i] != Math.rint(data[i])) {
                throw new IllegalArgumentException("label " + data[i] + " is not an integer");
            }
            values[i] = (long) data[i];
        }
        return Tensor.of(values, shape);
    }
}
