package org.dice4j.conformance;

import static org.dice4j.conformance.Json.bool;
import static org.dice4j.conformance.Json.number;

import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Set;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.GeneralizedWeight;
import org.dice4j.Reduction;
import org.dice4j.Tensor;
import org.dice4j.Variant;
import org.dice4j.WeightNormalization;

/** MONAI's DiceLoss, GeneralizedDiceLoss and TverskyLoss cases, mapped onto one {@link DiceLoss}. */
final class MonaiLossMapper {

    private static final double MONAI_DEFAULT_SMOOTH = 1e-5;

    private static final Set<String> MONAI_PARAMS = Set.of("include_background", "sigmoid", "softmax", "other_act",
            "to_onehot_y", "smooth_nr", "smooth_dr", "squared_pred", "jaccard", "soft_label", "batch", "weight",
            "reduction", "alpha", "beta", "w_type");

    /**
     * Expected gradients of the MONAI cases whose tests give only a loss: the derivative of MONAI's formula,
     * computed independently of dice4j (high-precision finite differences, monai_gradients.py beside it).
     */
    private static final JsonObject MONAI_GRADIENTS = Json.load("/conformance/monai-gradients.json")
            .getAsJsonObject("cases");

    private MonaiLossMapper() {
    }

    static Plan plan(JsonObject c, JsonObject fixtures) {
        String loss = c.get("loss").getAsString();
        boolean tversky = switch (loss) {
            case "monai.losses.DiceLoss", "monai.losses.GeneralizedDiceLoss" -> false;
            case "monai.losses.TverskyLoss" -> true;
            default -> throw new IllegalArgumentException("unexpected MONAI loss " + loss);
        };
        boolean generalized = loss.equals("monai.losses.GeneralizedDiceLoss");
        JsonObject p = c.getAsJsonObject("params");
        Json.requireKnownKeys(p, MONAI_PARAMS);
        JsonObject in = c.getAsJsonObject("inputs");
        Nd input = Nd.of(Json.fixture(fixtures, in.get("input")));
        Nd target = Nd.of(Json.fixture(fixtures, in.get("target")));

        DiceLoss.Builder b = DiceLoss.builder();
        input = activation(p, input, b);
        b.includeBackground(bool(p, "include_background", true));
        variantAndSmoothing(p, generalized, tversky, b);
        b.squared(bool(p, "squared_pred", false));
        b.softLabel(bool(p, "soft_label", false));
        b.batch(bool(p, "batch", false));
        if (p.has("weight")) {
            b.classWeights(Json.doubles(p.getAsJsonArray("weight"))).weightNormalization(WeightNormalization.COUNT);
        }
        String reduction = p.has("reduction") ? p.get("reduction").getAsString() : "mean";
        b.reduction(reduction(reduction));
        // to_onehot_y: the (N, 1, spatial…) class-index target is our label map.
        Tensor targetTensor = bool(p, "to_onehot_y", false) ? target.int64() : target.float32();
        JsonObject gradient = MONAI_GRADIENTS.getAsJsonObject(c.get("id").getAsString());
        return new LossRun(b.build(), input.float32(), targetTensor,
                reduction.equals("none") ? Observe.TERMS : Observe.LOSS, Nd.of(c.get("expected")).data(),
                Tolerance.of(c.getAsJsonObject("tolerance")),
                gradient == null ? null : Nd.of(gradient.get("gradient")).data());
    }

    /** Sets the activation; an {@code other_act} is applied to {@code input} here, and the result returned. */
    private static Nd activation(JsonObject p, Nd input, DiceLoss.Builder b) {
        boolean sigmoid = bool(p, "sigmoid", false);
        boolean softmax = bool(p, "softmax", false);
        String otherAct = p.has("other_act") ? p.get("other_act").getAsString() : null;
        if ((sigmoid ? 1 : 0) + (softmax ? 1 : 0) + (otherAct != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("more than one activation");
        }
        if (otherAct == null) {
            b.activation(sigmoid ? Activation.SIGMOID : softmax ? Activation.SOFTMAX : Activation.NONE);
            return input;
        }
        b.activation(Activation.NONE);
        // Applied here in double, cast to float by the tensor; the loss sees probabilities.
        return switch (otherAct) {
            case "tanh" -> input.map(Math::tanh);
            case "log_softmax(dim=1)" -> input.logSoftmaxOverAxis1();
            default -> throw new IllegalArgumentException("unexpected other_act " + otherAct);
        };
    }

    private static void variantAndSmoothing(JsonObject p, boolean generalized, boolean tversky, DiceLoss.Builder b) {
        double smoothNr = number(p, "smooth_nr", MONAI_DEFAULT_SMOOTH);
        double smoothDr = number(p, "smooth_dr", MONAI_DEFAULT_SMOOTH);
        if (bool(p, "jaccard", false)) {
            // MONAI: (2I + s_nr) / (2(P + G − I) + s_dr) = (I + s_nr/2) / (P + G − I + s_dr/2), exactly.
            b.variant(Variant.JACCARD);
            smoothNr /= 2;
            smoothDr /= 2;
        }
        if (generalized) {
            String weights = p.has("w_type") ? p.get("w_type").getAsString() : "square";
            b.generalized(GeneralizedWeight.valueOf(weights.toUpperCase(Locale.ROOT)));
        }
        if (tversky) {
            b.tversky(number(p, "alpha", 0.5), number(p, "beta", 0.5));
        } else if (p.has("alpha") || p.has("beta")) {
            throw new IllegalArgumentException("alpha/beta on a DiceLoss");
        }
        b.smoothNumerator(smoothNr).smoothDenominator(smoothDr);
    }

    private static Reduction reduction(String reduction) {
        return switch (reduction) {
            case "mean" -> Reduction.MEAN;
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            default -> throw new IllegalArgumentException("unexpected reduction " + reduction);
        };
    }
}
