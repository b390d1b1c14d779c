package org.dice4j.conformance;

import static org.dice4j.conformance.Json.number;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.EmptyPolicy;
import org.dice4j.Reduction;
import org.dice4j.Tensor;
import org.dice4j.Variant;

/** segmentation_models.pytorch cases: its functional scores and its Dice, Jaccard and Tversky loss classes. */
final class SmpMapper {

    private static final double SMP_DEFAULT_EPS = 1e-7;

    private static final Pattern SMP_FUNCTIONAL =
            Pattern.compile("smp\\.losses\\._functional\\.soft_(dice|jaccard|tversky)_score(\\(([^()]*)\\))?(\\.mean\\(\\))?");
    private static final Pattern SMP_LOSS = Pattern.compile("smp\\.losses\\.(Dice|Jaccard|Tversky)Loss\\((.*)\\)");

    /** The logits and target tensors of a case. */
    private record Inputs(Tensor logits, Tensor target) {}

    private SmpMapper() {
    }

    static Plan plan(JsonObject c) {
        String loss = c.get("loss").getAsString();
        JsonObject p = c.getAsJsonObject("params");
        JsonObject in = c.getAsJsonObject("inputs");
        Nd yPred = Nd.of(in.get("y_pred"));
        Nd yTrue = Nd.of(in.get("y_true"));
        Tolerance tolerance = Tolerance.of(c.getAsJsonObject("tolerance"));
        double expected = c.get("expected").getAsDouble();
        DiceLoss.Builder b = DiceLoss.builder().activation(Activation.NONE).smooth(0.0);

        Matcher functional = SMP_FUNCTIONAL.matcher(loss);
        if (functional.matches()) {
            return functionalScore(functional, loss, p, yPred, yTrue, b, expected, tolerance);
        }
        Matcher lossClass = SMP_LOSS.matcher(loss);
        if (!lossClass.matches()) {
            throw new IllegalArgumentException("unexpected smp loss " + loss);
        }
        return lossClass(lossClass, p, yPred, yTrue, b, expected, tolerance);
    }

    /**
     * {@code soft_*_score(output, target, smooth=0, eps, dims)}: a score; {@code (…).clamp_min(eps)} on the
     * denominator.
     */
    private static Plan functionalScore(Matcher functional, String loss, JsonObject p, Nd yPred, Nd yTrue,
            DiceLoss.Builder b, double expected, Tolerance tolerance) {
        Json.requireKnownKeys(p, Set.of("eps"));
        Map<String, String> kwargs = PythonArguments.kwargs(functional.group(3));
        Json.requireKnownKeys(kwargs.keySet(), Set.of("alpha", "beta", "dims"));
        double eps = number(p, "eps", SMP_DEFAULT_EPS);
        Variant variant = smpVariant(functional.group(1), b, kwargs);
        b.denominatorFloor(variant == Variant.DICE ? 2 * eps : eps);
        long[] shape;
        if (kwargs.containsKey("dims")) {
            // dims=[1] on (rows, S): one score per row, then .mean(): rows are our images, C = 1.
            if (!kwargs.get("dims").equals("[1]") || yPred.rank() != 2 || functional.group(4) == null) {
                throw new IllegalArgumentException("unexpected dims form " + loss);
            }
            shape = new long[] {yPred.shape()[0], 1, yPred.shape()[1]};
        } else {
            // dims=None: one score over every element.
            shape = new long[] {1, 1, yPred.size()};
        }
        return new LossRun(b.build(), yPred.reshape(shape).float32(), yTrue.reshape(shape).float32(), Observe.SCORE,
                new double[] {expected}, tolerance);
    }

    private static Plan lossClass(Matcher lossClass, JsonObject p, Nd yPred, Nd yTrue, DiceLoss.Builder b,
            double expected, Tolerance tolerance) {
        Json.requireKnownKeys(p, Set.of());
        Map<String, String> kwargs = PythonArguments.kwargs(lossClass.group(2));
        Json.requireKnownKeys(kwargs.keySet(), Set.of("mode", "from_logits", "alpha", "beta"));
        Variant variant = smpVariant(lossClass.group(1).toLowerCase(), b, kwargs);
        // Defaults smooth = 0 and eps = 1e-7; the score is the functional one above, over dims (0, 2): batch
        // statistics; a class with no target pixel gets loss 0 but still counts in the mean.
        b.denominatorFloor(variant == Variant.DICE ? 2 * SMP_DEFAULT_EPS : SMP_DEFAULT_EPS);
        b.batch(true).emptyPolicy(EmptyPolicy.ZERO).reduction(Reduction.MEAN);
        boolean fromLogits = !kwargs.containsKey("from_logits") || Boolean.parseBoolean(
                kwargs.get("from_logits").toLowerCase());
        Inputs inputs = modeInputs(PythonArguments.unquote(kwargs.get("mode")), fromLogits, yPred, yTrue, b);
        return new LossRun(b.build(), inputs.logits(), inputs.target(), Observe.LOSS, new double[] {expected},
                tolerance);
    }

    /** The tensors of an smp {@code mode}, and its activation (none unless {@code from_logits}). */
    private static Inputs modeInputs(String mode, boolean fromLogits, Nd yPred, Nd yTrue, DiceLoss.Builder b) {
        switch (mode) {
            case "binary" -> {
                // y_pred viewed (N, 1, -1), y_true (N, 1, -1): the binary label map (labels 0/1) is the mask.
                long[] shape = {1, 1, 1, yPred.size()};
                b.activation(fromLogits ? Activation.SIGMOID : Activation.NONE);
                return new Inputs(yPred.reshape(shape).float32(), yTrue.reshape(shape).int64());
            }
            case "multiclass" -> {
                // y_pred (N, C, S), y_true (N, S) class indices: our label map.
                b.activation(fromLogits ? Activation.SOFTMAX : Activation.NONE);
                return new Inputs(yPred.float32(), yTrue.int64());
            }
            case "multilabel" -> {
                b.activation(fromLogits ? Activation.SIGMOID : Activation.NONE);
                return new Inputs(yPred.float32(), yTrue.float32());
            }
            default -> throw new IllegalArgumentException("unexpected smp mode " + mode);
        }
    }

    /**
     * Sets the variant of an smp score. smp ≥ 0.4 computes Dice as the Tversky score with α = β = 0.5 over the
     * soft-label intersection {@code (P + G − Σ|p − g|)/2}, so its {@code smooth} enters our Dice as 2·smooth in
     * both places and its {@code clamp_min(eps)} as a floor of 2·eps; Tversky uses the same intersection.
     */
    private static Variant smpVariant(String name, DiceLoss.Builder b, Map<String, String> kwargs) {
        switch (name) {
            case "dice" -> {
                b.variant(Variant.DICE).softLabel(true);
                return Variant.DICE;
            }
            case "jaccard" -> {
                b.variant(Variant.JACCARD);
                return Variant.JACCARD;
            }
            case "tversky" -> {
                b.tversky(Double.parseDouble(kwargs.getOrDefault("alpha", "0.5")),
                        Double.parseDouble(kwargs.getOrDefault("beta", "0.5"))).softLabel(true);
                return Variant.TVERSKY;
            }
            default -> throw new IllegalArgumentException("unexpected smp score " + name);
        }
    }
}
