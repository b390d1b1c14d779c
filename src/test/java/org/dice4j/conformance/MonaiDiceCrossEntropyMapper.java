package org.dice4j.conformance;

import static org.dice4j.conformance.Json.bool;
import static org.dice4j.conformance.Json.number;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Set;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;

/**
 * MONAI's DiceCELoss cases. MONAI applies its Dice activation (none unless sigmoid/softmax is set) to the Dice part
 * only and always reads the raw input as logits for the cross-entropy; ours applies one activation to both. A case
 * without a Dice activation is therefore reproduced as the sum of two of our losses on the same input: λ_dice·Dice
 * with activation NONE, plus a SOFTMAX loss with λ_dice = 0 and MONAI's λ_ce (its cross-entropy part alone; MONAI's
 * CE covers every class whatever include_background, as ours). PyTorch's CE class weights and BCE pos_weight are not
 * options of dice4j: cases whose weights are not all 1 are skipped.
 */
final class MonaiDiceCrossEntropyMapper {

    private static final Set<String> MONAI_DCE_PARAMS = Set.of("include_background", "to_onehot_y", "weight",
            "lambda_dice", "lambda_ce", "sigmoid", "softmax");

    private MonaiDiceCrossEntropyMapper() {
    }

    static Plan plan(JsonObject c, JsonObject fixtures) {
        JsonObject p = c.getAsJsonObject("params");
        Json.requireKnownKeys(p, MONAI_DCE_PARAMS);
        if (p.has("weight") && Arrays.stream(Json.doubles(p.getAsJsonArray("weight"))).anyMatch(w -> w != 1.0)) {
            return new Skip("PyTorch's cross-entropy class weights (a weighted mean over voxels) and BCE pos_weight"
                    + " are not options of dice4j: our classWeights weigh the Dice terms only");
        }
        if (bool(p, "sigmoid", false) || bool(p, "softmax", false)) {
            throw new IllegalArgumentException("a Dice activation: map it onto one loss when a case needs it");
        }
        JsonObject in = c.getAsJsonObject("inputs");
        Tensor logits = Nd.of(Json.fixture(fixtures, in.get("input"))).float32();
        Nd target = Nd.of(Json.fixture(fixtures, in.get("target")));
        Tensor targetTensor = bool(p, "to_onehot_y", false) ? target.int64() : target.float32();
        double lambdaDice = number(p, "lambda_dice", 1.0);
        DiceLoss dice = DiceLoss.builder().activation(Activation.NONE)
                .includeBackground(bool(p, "include_background", true)).lambdaDice(lambdaDice).build();
        DiceLoss crossEntropy = DiceLoss.builder().activation(Activation.SOFTMAX).lambdaDice(0)
                .lambdaCrossEntropy(number(p, "lambda_ce", 1.0)).build();
        Tolerance tolerance = Tolerance.of(c.getAsJsonObject("tolerance"));
        double expected = c.get("expected").getAsDouble();
        return new DiceCrossEntropyRun(new LossRun(dice, logits, targetTensor, Observe.LOSS, new double[] {expected},
                tolerance), crossEntropy);
    }
}
