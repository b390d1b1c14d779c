package org.dice4j.conformance;

import static org.dice4j.conformance.Json.number;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.Reduction;

/** Keras 3 cases: {@code keras.losses.Dice} and {@code keras.losses.Tversky}. */
final class KerasMapper {

    private static final double KERAS_EPSILON = 1e-7;

    private static final Pattern KERAS_LOSS = Pattern.compile("keras\\.losses\\.(Dice|Tversky)\\((.*)\\)");

    private KerasMapper() {
    }

    static Plan plan(JsonObject c, JsonObject fixtures) {
        String loss = c.get("loss").getAsString();
        Matcher m = KERAS_LOSS.matcher(loss);
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected Keras loss " + loss);
        }
        JsonObject p = c.getAsJsonObject("params");
        Json.requireKnownKeys(p, Set.of("axis", "alpha", "beta", "reduction"));
        JsonObject in = c.getAsJsonObject("inputs");
        Nd yTrue = Nd.of(Json.fixture(fixtures, in.get("y_true")));
        Nd yPred = Nd.of(Json.fixture(fixtures, in.get("y_pred")));
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("y_true and y_pred shapes differ");
        }
        // Keras is channels-last. A rank-2 (batch, features) tensor has no channel axis: one channel. A rank ≥ 3
        // tensor (N, spatial…, C) is transposed to (N, C, spatial…).
        Function<Nd, Nd> layout = yPred.rank() == 2
                ? nd -> nd.reshape(nd.shape()[0], 1, nd.shape()[1])
                : Nd::channelsLastToFirst;
        Nd logits = layout.apply(yPred);
        Nd target = layout.apply(yTrue);
        if (logits.shape()[1] != 1) {
            throw new IllegalArgumentException("Keras sums over the channel axis too; expressible only with C = 1");
        }
        // ε = backend.epsilon() in the denominator only.
        DiceLoss.Builder b = DiceLoss.builder().activation(Activation.NONE).smoothNumerator(0.0)
                .smoothDenominator(KERAS_EPSILON);
        if (m.group(1).equals("Tversky")) {
            b.tversky(number(p, "alpha", 0.5), number(p, "beta", 0.5));
        }
        b.batch(pooled(p, yPred.rank()));
        boolean noReduction = p.has("reduction") && p.get("reduction").isJsonNull();
        if (p.has("reduction") && !noReduction) {
            throw new IllegalArgumentException("unexpected Keras reduction " + p.get("reduction"));
        }
        // Default reduction sum_over_batch_size: the mean of the per-image values (or the single pooled value).
        b.reduction(noReduction ? Reduction.NONE : Reduction.MEAN);
        return new LossRun(b.build(), logits.float32(), target.float32(), noReduction ? Observe.TERMS : Observe.LOSS,
                Nd.of(c.get("expected")).data(), Tolerance.of(c.getAsJsonObject("tolerance")));
    }

    /** Whether Keras' {@code axis} pools the batch: our {@code batch} option. */
    private static boolean pooled(JsonObject p, int rank) {
        if (!p.has("axis")) {
            // axis=None: one ratio over every element (batch and the single channel pooled): batch statistics.
            return true;
        }
        // axis=(1, …, rank−1): every axis but the batch: per-image statistics.
        double[] axis = Json.doubles(p.getAsJsonArray("axis"));
        double[] allButBatch = new double[rank - 1];
        Arrays.setAll(allButBatch, i -> i + 1);
        if (!Arrays.equals(axis, allButBatch)) {
            throw new IllegalArgumentException("unexpected Keras axis " + Arrays.toString(axis));
        }
        return false;
    }
}
