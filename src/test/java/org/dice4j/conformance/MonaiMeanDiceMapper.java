package org.dice4j.conformance;

import static org.dice4j.conformance.Json.bool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dice4j.Activation;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;

/** MONAI's compute_dice / DiceMetric cases (the hard metric), mapped onto one {@link DiceMetric}. */
final class MonaiMeanDiceMapper {

    private MonaiMeanDiceMapper() {
    }

    static Plan plan(JsonObject c, JsonObject fixtures) {
        JsonObject p = c.getAsJsonObject("params");
        Json.requireKnownKeys(p, Set.of("include_background", "reduction", "get_not_nans", "ignore_empty"));
        String reduction = p.has("reduction") ? p.get("reduction").getAsString() : "none";
        if (reduction.equals("sum_batch")) {
            return new Skip("reduction sum_batch (a sum over images per class) is not one of dice4j's metric"
                    + " reductions (MEAN, MEAN_BATCH, NONE)");
        }
        JsonObject in = c.getAsJsonObject("inputs");
        Nd prediction = filledOrLiteral(Json.fixture(fixtures, in.get("y_pred")));
        Nd target = filledOrLiteral(Json.fixture(fixtures, in.get("y")));
        // compute_dice takes binarized one-hot tensors, each channel on its own: a per-channel threshold (0/1 > 0.5
        // after a sigmoid: σ(1) > 0.5, σ(0) = 0.5 is not), against the dense target read as g ≥ 0.5.
        DiceMetric metric = DiceMetric.builder().activation(Activation.SIGMOID)
                .includeBackground(bool(p, "include_background", true))
                .ignoreEmpty(bool(p, "ignore_empty", true))
                .reduction(switch (reduction) {
                    case "mean" -> MetricReduction.MEAN;
                    case "mean_batch" -> MetricReduction.MEAN_BATCH;
                    case "none" -> MetricReduction.NONE;
                    default -> throw new IllegalArgumentException("unexpected reduction " + reduction);
                })
                .build();
        JsonElement expected = c.get("expected");
        boolean nanPattern = expected.toString().contains("true") || expected.toString().contains("false");
        double[] values = nanPattern ? Nd.of(JsonParser.parseString(expected.toString().replace("true", "1")
                .replace("false", "0"))).data() : Nd.of(expected).data();
        Tolerance tolerance = c.getAsJsonObject("tolerance").size() == 0 ? null : Tolerance.of(c.getAsJsonObject("tolerance"));
        return new MetricRun(metric, prediction.float32(), target.float32(), values, tolerance, nanPattern);
    }

    /** A fixture array, or one written as numpy's {@code ones((…))} / {@code zeros((…))}. */
    private static Nd filledOrLiteral(JsonElement fixture) {
        if (!fixture.isJsonPrimitive()) {
            return Nd.of(fixture);
        }
        Matcher m = Pattern.compile("(ones|zeros)\\(\\(([0-9, ]+)\\)\\)").matcher(fixture.getAsString());
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected fixture " + fixture);
        }
        long[] shape = Arrays.stream(m.group(2).split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
        double[] data = new double[(int) Arrays.stream(shape).reduce(1, Math::multiplyExact)];
        Arrays.fill(data, m.group(1).equals("ones") ? 1 : 0);
        return new Nd(data, shape);
    }
}
