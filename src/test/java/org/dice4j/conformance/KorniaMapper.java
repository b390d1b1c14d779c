package org.dice4j.conformance;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.Reduction;
import org.dice4j.WeightNormalization;

/** kornia's {@code DiceLoss} cases, whose inputs are PyTorch snippets ({@link TorchSnippet}). */
final class KorniaMapper {

    private static final double KORNIA_DEFAULT_EPS = 1e-8;
    private static final long KORNIA_DEFAULT_IGNORE_INDEX = -100;

    private static final Pattern KORNIA_LOSS = Pattern.compile("kornia\\.losses\\.DiceLoss\\((.*)\\)");
    private static final Pattern KORNIA_AVERAGE = Pattern.compile("average\\s*=\\s*'(\\w+)'");
    private static final Pattern KORNIA_WEIGHT = Pattern.compile("weight\\s*=\\s*(\\[[^\\]]*\\])");

    private KorniaMapper() {
    }

    /** The plan of {@code c}; {@code previous} is the case before it, whose inputs "as above" refers to. */
    static Plan plan(JsonObject c, JsonObject previous) {
        String loss = c.get("loss").getAsString();
        Matcher m = KORNIA_LOSS.matcher(loss);
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected kornia loss " + loss);
        }
        Json.requireKnownKeys(c.getAsJsonObject("params"), Set.of());
        // Averaging and weights first: a case that is not expressible is skipped whatever its other arguments.
        Matcher averageArg = KORNIA_AVERAGE.matcher(m.group(1));
        String average = averageArg.find() ? averageArg.group(1) : "micro";
        Matcher weightArg = KORNIA_WEIGHT.matcher(m.group(1));
        double[] weight = weightArg.find() ? PythonArguments.parseNumbers(weightArg.group(1)) : null;
        if (average.equals("micro") && !isOneHot(weight)) {
            return new Skip("kornia average='micro' pools all classes of an image into one Dice ratio"
                    + " (2·Σ_c w_c·I_c / Σ_c w_c·(P_c + G_c)); our terms are per (image, class), so only a one-hot"
                    + " weight vector (which reduces micro to the Dice of that class) is expressible");
        }
        if (!average.equals("micro") && !average.equals("macro")) {
            throw new IllegalArgumentException("unexpected kornia average " + average);
        }
        Map<String, String> kwargs = PythonArguments.kwargs(m.group(1));
        Json.requireKnownKeys(kwargs.keySet(), Set.of("average", "eps", "weight", "ignore_index"));
        JsonObject in = c.getAsJsonObject("inputs");
        Nd logits = TorchSnippet.evaluate(snippet(in, previous, "logits"));
        Nd labels = TorchSnippet.evaluate(snippet(in, previous, "labels"));
        return new LossRun(loss(kwargs, weight), logits.float32(), labels.int64(), Observe.LOSS,
                new double[] {c.get("expected").getAsDouble()}, Tolerance.of(c.getAsJsonObject("tolerance")));
    }

    /** The snippet of input {@code name}, or the previous case's when it reads "as above". */
    private static String snippet(JsonObject inputs, JsonObject previous, String name) {
        String code = inputs.get(name).getAsString();
        return code.equals("as above") ? previous.getAsJsonObject("inputs").get(name).getAsString() : code;
    }

    /**
     * Softmax over channels; eps in the denominator only; macro (and micro with a one-hot weight): the weighted mean
     * Σ w·ℓ / Σ w of the per-class terms of each image, then the mean over images.
     */
    private static DiceLoss loss(Map<String, String> kwargs, double[] weight) {
        DiceLoss.Builder b = DiceLoss.builder().activation(Activation.SOFTMAX).smoothNumerator(0.0)
                .smoothDenominator(kwargs.containsKey("eps") ? Double.parseDouble(kwargs.get("eps"))
                        : KORNIA_DEFAULT_EPS)
                .ignoreIndex(kwargs.containsKey("ignore_index") ? Long.parseLong(kwargs.get("ignore_index"))
                        : KORNIA_DEFAULT_IGNORE_INDEX)
                .reduction(Reduction.MEAN);
        if (weight != null) {
            b.classWeights(weight).weightNormalization(WeightNormalization.WEIGHT_SUM);
        }
        return b.build();
    }

    private static boolean isOneHot(double[] weight) {
        if (weight == null) {
            return false;
        }
        int ones = 0;
        for (double w : weight) {
            if (w == 1.0) {
                ones++;
            } else if (w != 0.0) {
                return false;
            }
        }
        return ones == 1;
    }
}
