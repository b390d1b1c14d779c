package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance with the upstream unit-test vectors of {@code src/test/resources/conformance/upstream-vectors.json}
 * (MONAI, segmentation_models.pytorch, Keras, kornia, BigDL). Every case becomes one dynamic test named by its id:
 * a case our options express is mapped onto a {@link DiceLoss} configuration and asserted within the upstream
 * tolerance, on the default kernels and on the scalar reference kernels; any other case is reported as skipped
 * (aborted) with its reason. {@link #everyCaseIsReproducedOrListed()} checks that the skipped cases are exactly
 * {@link #EXPECTED_SKIPPED}, so that no case is dropped silently. The mapping is documented in
 * {@code docs/conformance.md}.
 *
 * <p>Skipped, by rule:
 * <ul>
 *   <li>{@code MONAI-DCE-05}, {@code 06}: PyTorch's cross-entropy class weights and BCE pos_weight, not options of
 *       the spec; {@code MONAI-MEANDICE-06}, {@code 08}: reduction sum_batch, not a metric reduction of the spec;</li>
 *   <li>{@code MONAI-MDL-*}: MONAI's {@code MaskedDiceLoss} masks the logits before the activation (a masked voxel
 *       still contributes σ(0) = 0.5), our ignore mask removes voxels after it: a documented convention
 *       difference, not a target;</li>
 *   <li>kornia {@code average='micro'} without a one-hot weight vector: pools every class of an image into a single
 *       Dice ratio, which our per-(image, class) terms cannot express.</li>
 * </ul>
 */
@DisplayName("Conformance with upstream unit-test vectors")
class ConformanceTest {

    private static final String RESOURCE = "/conformance/upstream-vectors.json";

    /**
     * Expected gradients of the MONAI cases whose tests give only a loss: the derivative of MONAI's formula,
     * computed independently of dice4j (high-precision finite differences, monai_gradients.py beside it).
     */
    private static final JsonObject MONAI_GRADIENTS = load("/conformance/monai-gradients.json").getAsJsonObject("cases");

    /** Number of cases the shared conformance README announces. */
    private static final int EXPECTED_CASES = 115;

    /** The cases this suite does not reproduce. The rules of {@link #plan} must skip exactly these. */
    private static final Set<String> EXPECTED_SKIPPED = Set.of(
            // MaskedDiceLoss: convention difference (mask before the activation).
            "MONAI-MDL-01", "MONAI-MDL-02", "MONAI-MDL-03", "MONAI-MDL-04",
            // Dice + cross-entropy with PyTorch's CE class weights / BCE pos_weight: not in the spec.
            "MONAI-DCE-05", "MONAI-DCE-06",
            // Hard Dice metric: sum_batch is not a reduction of the spec.
            "MONAI-MEANDICE-06", "MONAI-MEANDICE-08",
            // kornia micro averaging pools the classes: not expressible.
            "KORNIA-DICE-IGN--100", "KORNIA-DICE-IGN-255", "KORNIA-DICE-ALLZERO");

    private static final double MONAI_DEFAULT_SMOOTH = 1e-5;
    private static final double SMP_DEFAULT_EPS = 1e-7;
    private static final double KERAS_EPSILON = 1e-7;
    private static final double KORNIA_DEFAULT_EPS = 1e-8;
    private static final long KORNIA_DEFAULT_IGNORE_INDEX = -100;

    // ---------------------------------------------------------------------------------------------------------
    // Tests

    @TestFactory
    @DisplayName("upstream cases")
    Stream<DynamicTest> upstreamCases() {
        return plans().entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            switch (entry.getValue()) {
                case Skip skip -> Assumptions.abort(entry.getKey() + " not reproduced: " + skip.reason());
                case Broken broken -> throw new AssertionError("cannot map case " + entry.getKey() + ": "
                        + broken.cause().getMessage(), broken.cause());
                case Run run -> run.check(entry.getKey());
                case MetricRun run -> run.check(entry.getKey());
                case DiceCrossEntropyRun run -> run.check(entry.getKey());
            }
        }));
    }

    @Test
    @DisplayName("every case is either asserted or listed as skipped with a reason")
    void everyCaseIsReproducedOrListed() {
        Map<String, Plan> plans = plans();
        assertEquals(EXPECTED_CASES, plans.size(), "number of distinct case ids in " + RESOURCE);
        TreeSet<String> skipped = new TreeSet<>();
        TreeSet<String> broken = new TreeSet<>();
        plans.forEach((id, plan) -> {
            if (plan instanceof Skip) {
                skipped.add(id);
            } else if (plan instanceof Broken) {
                broken.add(id);
            }
        });
        assertEquals(new TreeSet<String>(), broken, "cases whose mapping failed");
        assertEquals(new TreeSet<>(EXPECTED_SKIPPED), skipped, "skipped cases differ from the explicit list");
        assertEquals(EXPECTED_CASES - EXPECTED_SKIPPED.size(), plans.size() - skipped.size(), "reproduced cases");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Loading and planning

    private sealed interface Plan permits Run, MetricRun, DiceCrossEntropyRun, Skip, Broken {}

    /** A case not reproduced, with the reason. */
    private record Skip(String reason) implements Plan {}

    /** A case whose mapping threw: reported as a failure, never as a skip. */
    private record Broken(RuntimeException cause) implements Plan {}

    /** What a reproduced case reads off the result. */
    private enum Observe {
        /** The reduced loss. */
        LOSS,
        /** {@code 1 − loss}: the mean score, for upstream functions returning a score. */
        SCORE,
        /** The NONE-reduction terms, row-major. */
        TERMS
    }

    /**
     * A reproduced case: the loss, its inputs, and the expected values with their tolerance; with
     * {@code expectedGradient} (row-major, the logits' shape), also ∂loss/∂logits within the same tolerance.
     */
    private record Run(DiceLoss loss, Tensor logits, Tensor target, Observe observe, double[] expected,
            Tolerance tolerance, double[] expectedGradient) implements Plan {

        Run(DiceLoss loss, Tensor logits, Tensor target, Observe observe, double[] expected, Tolerance tolerance) {
            this(loss, logits, target, observe, expected, tolerance, null);
        }

        void check(String id) {
            DiceLoss reference = loss.toBuilder().referenceKernels(true).build();
            for (Tensor variant : targetVariants()) {
                assertAgainst(id, loss, variant);
                assertAgainst(id, reference, variant);
                if (expectedGradient != null) {
                    assertGradient(id, loss, variant);
                    assertGradient(id, reference, variant);
                }
            }
        }

        private void assertGradient(String id, DiceLoss candidate, Tensor targetVariant) {
            float[] gradient = new float[(int) logits.elementCount()];
            candidate.forwardBackward(logits, targetVariant, Tensor.of(gradient, logits.shape()));
            String context = id + " gradient on " + candidate.kernelName() + " kernels, " + candidate + ", target "
                    + targetVariant + " within " + tolerance;
            assertEquals(expectedGradient.length, gradient.length, context + ": number of values");
            for (int i = 0; i < gradient.length; i++) {
                double bound = tolerance.bound(expectedGradient[i]);
                if (!(Math.abs(gradient[i] - expectedGradient[i]) <= bound)) {
                    fail(context + ": element " + i + " expected " + expectedGradient[i] + " but was " + gradient[i]
                            + "\nexpected " + Arrays.toString(expectedGradient) + "\nactual   "
                            + Arrays.toString(gradient));
                }
            }
        }

        /** The target as built, and a label map also as int32 and (when its labels fit) uint8. */
        List<Tensor> targetVariants() {
            if (target.dtype() != DType.INT64) {
                return List.of(target);
            }
            long[] labels = target.segment().toArray(ValueLayout.JAVA_LONG);
            int[] asInt = new int[labels.length];
            byte[] asByte = new byte[labels.length];
            boolean fitsByte = true;
            for (int i = 0; i < labels.length; i++) {
                asInt[i] = Math.toIntExact(labels[i]);
                asByte[i] = (byte) labels[i];
                fitsByte &= labels[i] >= 0 && labels[i] <= 255;
            }
            List<Tensor> variants = new ArrayList<>(List.of(target, Tensor.of(asInt, target.shape())));
            if (fitsByte) {
                variants.add(Tensor.ofUint8(asByte, target.shape()));
            }
            return variants;
        }

        private void assertAgainst(String id, DiceLoss candidate, Tensor targetVariant) {
            LossResult result = candidate.forward(logits, targetVariant);
            double[] actual = switch (observe) {
                case LOSS -> new double[] {result.loss()};
                case SCORE -> new double[] {1.0 - result.loss()};
                case TERMS -> Arrays.stream(result.terms()).flatMapToDouble(Arrays::stream).toArray();
            };
            String context = id + " on " + candidate.kernelName() + " kernels, " + candidate + ", target "
                    + targetVariant + ", " + observe + " within " + tolerance;
            assertEquals(expected.length, actual.length, context + ": number of values");
            for (int i = 0; i < expected.length; i++) {
                double bound = tolerance.bound(expected[i]);
                if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                    fail(context + ": value " + i + " expected " + expected[i] + " but was " + actual[i]
                            + " (|difference| " + Math.abs(actual[i] - expected[i]) + " > " + bound + ")");
                }
            }
        }
    }

    /**
     * An upstream tolerance. {@code rtol}/{@code atol} are numpy/torch/Keras {@code allclose}:
     * {@code |a − e| ≤ atol + rtol·|e|}. {@code abs} is pytest's {@code approx(e, abs=…)}: {@code |a − e| ≤ abs};
     * {@code rel} is pytest's {@code approx(e, rel)}: {@code |a − e| ≤ max(rel·|e|, 1e-12)}.
     */
    private record Tolerance(double rtol, double atol, boolean pytestRel, String text) {
        static Tolerance of(JsonObject json) {
            double rtol = 0;
            double atol = 0;
            boolean pytestRel = false;
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                switch (e.getKey()) {
                    case "rtol" -> rtol = e.getValue().getAsDouble();
                    case "atol", "abs" -> atol = e.getValue().getAsDouble();
                    case "rel" -> {
                        rtol = e.getValue().getAsDouble();
                        atol = 1e-12;
                        pytestRel = true;
                    }
                    case "note" -> { }
                    default -> throw new IllegalArgumentException("unknown tolerance key " + e.getKey());
                }
            }
            if (rtol == 0 && atol == 0) {
                throw new IllegalArgumentException("no tolerance given: " + json);
            }
            return new Tolerance(rtol, atol, pytestRel, json.toString());
        }

        double bound(double expected) {
            return pytestRel ? Math.max(rtol * Math.abs(expected), atol) : atol + rtol * Math.abs(expected);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static Map<String, Plan> plans() {
        JsonObject root = load();
        JsonObject fixtures = root.getAsJsonObject("fixtures");
        Map<String, Plan> plans = new LinkedHashMap<>();
        JsonObject previous = null;
        for (JsonElement element : root.getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            String id = c.get("id").getAsString();
            Plan plan;
            try {
                plan = plan(c, fixtures, previous);
            } catch (RuntimeException e) {
                plan = new Broken(e);
            }
            if (plans.put(id, plan) != null) {
                plans.put(id, new Broken(new IllegalStateException("duplicate case id " + id)));
            }
            previous = c;
        }
        return plans;
    }

    private static JsonObject load() {
        return load(RESOURCE);
    }

    private static JsonObject load(String resource) {
        try (InputStream in = ConformanceTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "test resource " + resource);
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return JsonParser.parseReader(reader).getAsJsonObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plan of one case; {@code previous} is the case before it (kornia's "as above"). */
    private static Plan plan(JsonObject c, JsonObject fixtures, JsonObject previous) {
        String id = c.get("id").getAsString();
        if (id.startsWith("MONAI-DCE-")) {
            return monaiDiceCrossEntropy(c, fixtures);
        }
        if (id.startsWith("MONAI-MEANDICE-")) {
            return meanDice(c, fixtures);
        }
        if (id.startsWith("MONAI-MDL-")) {
            return new Skip("MONAI MaskedDiceLoss multiplies the logits by the mask before the activation (a"
                    + " masked voxel still counts sigmoid(0) = 0.5); our ignore mask removes voxels after the"
                    + " activation: a documented convention difference, not a target");
        }
        if (id.startsWith("MONAI-")) {
            return monai(c, fixtures);
        }
        if (id.startsWith("SMP-")) {
            return smp(c);
        }
        if (id.startsWith("KERAS-")) {
            return keras(c, fixtures);
        }
        if (id.startsWith("KORNIA-")) {
            return kornia(c, previous);
        }
        if (id.startsWith("BIGDL-")) {
            return bigdl(c);
        }
        throw new IllegalArgumentException("no mapping rule for case " + id);
    }

    // ---------------------------------------------------------------------------------------------------------
    // MONAI DiceLoss / TverskyLoss

    private static final Set<String> MONAI_PARAMS = Set.of("include_background", "sigmoid", "softmax", "other_act",
            "to_onehot_y", "smooth_nr", "smooth_dr", "squared_pred", "jaccard", "soft_label", "batch", "weight",
            "reduction", "alpha", "beta", "w_type");

    private static Plan monai(JsonObject c, JsonObject fixtures) {
        String loss = c.get("loss").getAsString();
        boolean tversky = switch (loss) {
            case "monai.losses.DiceLoss", "monai.losses.GeneralizedDiceLoss" -> false;
            case "monai.losses.TverskyLoss" -> true;
            default -> throw new IllegalArgumentException("unexpected MONAI loss " + loss);
        };
        boolean generalized = loss.equals("monai.losses.GeneralizedDiceLoss");
        JsonObject p = c.getAsJsonObject("params");
        requireKnownKeys(p, MONAI_PARAMS);
        JsonObject in = c.getAsJsonObject("inputs");
        Nd input = Nd.of(fixture(fixtures, in.get("input")));
        Nd target = Nd.of(fixture(fixtures, in.get("target")));

        DiceLoss.Builder b = DiceLoss.builder();
        boolean sigmoid = bool(p, "sigmoid", false);
        boolean softmax = bool(p, "softmax", false);
        String otherAct = p.has("other_act") ? p.get("other_act").getAsString() : null;
        if ((sigmoid ? 1 : 0) + (softmax ? 1 : 0) + (otherAct != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("more than one activation");
        }
        if (otherAct != null) {
            // Applied here in double, cast to float by the tensor; the loss sees probabilities.
            input = switch (otherAct) {
                case "tanh" -> input.map(Math::tanh);
                case "log_softmax(dim=1)" -> input.logSoftmaxOverAxis1();
                default -> throw new IllegalArgumentException("unexpected other_act " + otherAct);
            };
            b.activation(Activation.NONE);
        } else {
            b.activation(sigmoid ? Activation.SIGMOID : softmax ? Activation.SOFTMAX : Activation.NONE);
        }
        b.includeBackground(bool(p, "include_background", true));
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
            b.generalized(GeneralizedWeight.valueOf(weights.toUpperCase(java.util.Locale.ROOT)));
        }
        if (tversky) {
            b.tversky(number(p, "alpha", 0.5), number(p, "beta", 0.5));
        } else if (p.has("alpha") || p.has("beta")) {
            throw new IllegalArgumentException("alpha/beta on a DiceLoss");
        }
        b.smoothNumerator(smoothNr).smoothDenominator(smoothDr);
        b.squared(bool(p, "squared_pred", false));
        b.softLabel(bool(p, "soft_label", false));
        b.batch(bool(p, "batch", false));
        if (p.has("weight")) {
            b.classWeights(doubles(p.getAsJsonArray("weight"))).weightNormalization(WeightNormalization.COUNT);
        }
        String reduction = p.has("reduction") ? p.get("reduction").getAsString() : "mean";
        b.reduction(switch (reduction) {
            case "mean" -> Reduction.MEAN;
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            default -> throw new IllegalArgumentException("unexpected reduction " + reduction);
        });
        // to_onehot_y: the (N, 1, spatial…) class-index target is our label map.
        Tensor targetTensor = bool(p, "to_onehot_y", false) ? target.int64() : target.float32();
        JsonObject gradient = MONAI_GRADIENTS.getAsJsonObject(c.get("id").getAsString());
        return new Run(b.build(), input.float32(), targetTensor,
                reduction.equals("none") ? Observe.TERMS : Observe.LOSS, Nd.of(c.get("expected")).data(),
                Tolerance.of(c.getAsJsonObject("tolerance")),
                gradient == null ? null : Nd.of(gradient.get("gradient")).data());
    }

    // ---------------------------------------------------------------------------------------------------------
    // MONAI DiceCELoss

    private static final Set<String> MONAI_DCE_PARAMS = Set.of("include_background", "to_onehot_y", "weight",
            "lambda_dice", "lambda_ce", "sigmoid", "softmax");

    /**
     * MONAI's DiceCELoss applies its Dice activation (none unless sigmoid/softmax is set) to the Dice part only and
     * always reads the raw input as logits for the cross-entropy; ours applies one activation to both. A case without
     * a Dice activation is therefore reproduced as the sum of two of our losses on the same input: λ_dice·Dice with
     * activation NONE, plus a SOFTMAX loss with λ_dice = 0 and MONAI's λ_ce (its cross-entropy part alone; MONAI's CE
     * covers every class whatever include_background, as ours). PyTorch's CE class weights and BCE pos_weight are not
     * in the spec: cases whose weights are not all 1 are skipped.
     */
    private static Plan monaiDiceCrossEntropy(JsonObject c, JsonObject fixtures) {
        JsonObject p = c.getAsJsonObject("params");
        requireKnownKeys(p, MONAI_DCE_PARAMS);
        if (p.has("weight") && Arrays.stream(doubles(p.getAsJsonArray("weight"))).anyMatch(w -> w != 1.0)) {
            return new Skip("PyTorch's cross-entropy class weights (a weighted mean over voxels) and BCE pos_weight"
                    + " are not options of the spec: our classWeights weigh the Dice terms only");
        }
        if (bool(p, "sigmoid", false) || bool(p, "softmax", false)) {
            throw new IllegalArgumentException("a Dice activation: map it onto one loss when a case needs it");
        }
        JsonObject in = c.getAsJsonObject("inputs");
        Tensor logits = Nd.of(fixture(fixtures, in.get("input"))).float32();
        Nd target = Nd.of(fixture(fixtures, in.get("target")));
        Tensor targetTensor = bool(p, "to_onehot_y", false) ? target.int64() : target.float32();
        double lambdaDice = number(p, "lambda_dice", 1.0);
        DiceLoss dice = DiceLoss.builder().activation(Activation.NONE)
                .includeBackground(bool(p, "include_background", true)).lambdaDice(lambdaDice).build();
        DiceLoss crossEntropy = DiceLoss.builder().activation(Activation.SOFTMAX).lambdaDice(0)
                .lambdaCrossEntropy(number(p, "lambda_ce", 1.0)).build();
        Tolerance tolerance = Tolerance.of(c.getAsJsonObject("tolerance"));
        double expected = c.get("expected").getAsDouble();
        return new DiceCrossEntropyRun(new Run(dice, logits, targetTensor, Observe.LOSS, new double[] {expected},
                tolerance), crossEntropy);
    }

    /** A MONAI DiceCELoss case: {@code dice}'s loss plus {@code crossEntropy}'s on the same inputs, both kernels. */
    private record DiceCrossEntropyRun(Run dice, DiceLoss crossEntropy) implements Plan {
        void check(String id) {
            for (boolean reference : new boolean[] {false, true}) {
                DiceLoss diceLoss = dice.loss().toBuilder().referenceKernels(reference).build();
                DiceLoss crossEntropyLoss = crossEntropy.toBuilder().referenceKernels(reference).build();
                for (Tensor target : dice.targetVariants()) {
                    double actual = diceLoss.forward(dice.logits(), target).loss()
                            + crossEntropyLoss.forward(dice.logits(), target).loss();
                    double expected = dice.expected()[0];
                    double bound = dice.tolerance().bound(expected);
                    if (!(Math.abs(actual - expected) <= bound)) {
                        fail(id + " on " + diceLoss.kernelName() + " kernels, " + diceLoss + " + " + crossEntropyLoss
                                + ", target " + target + ": expected " + expected + " but was " + actual);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // segmentation_models.pytorch

    private static final Pattern SMP_FUNCTIONAL =
            Pattern.compile("smp\\.losses\\._functional\\.soft_(dice|jaccard|tversky)_score(\\(([^()]*)\\))?(\\.mean\\(\\))?");
    private static final Pattern SMP_LOSS = Pattern.compile("smp\\.losses\\.(Dice|Jaccard|Tversky)Loss\\((.*)\\)");

    private static Plan smp(JsonObject c) {
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
            // soft_*_score(output, target, smooth=0, eps, dims): a score; (…).clamp_min(eps) on the denominator.
            requireKnownKeys(p, Set.of("eps"));
            Map<String, String> kwargs = kwargs(functional.group(3));
            requireKnownKeys(kwargs.keySet(), Set.of("alpha", "beta", "dims"));
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
            return new Run(b.build(), yPred.reshape(shape).float32(), yTrue.reshape(shape).float32(), Observe.SCORE,
                    new double[] {expected}, tolerance);
        }

        Matcher lossClass = SMP_LOSS.matcher(loss);
        if (!lossClass.matches()) {
            throw new IllegalArgumentException("unexpected smp loss " + loss);
        }
        requireKnownKeys(p, Set.of());
        Map<String, String> kwargs = kwargs(lossClass.group(2));
        requireKnownKeys(kwargs.keySet(), Set.of("mode", "from_logits", "alpha", "beta"));
        Variant variant = smpVariant(lossClass.group(1).toLowerCase(), b, kwargs);
        // Defaults smooth = 0 and eps = 1e-7; the score is the functional one above, over dims (0, 2): batch
        // statistics; a class with no target pixel gets loss 0 but still counts in the mean.
        b.denominatorFloor(variant == Variant.DICE ? 2 * SMP_DEFAULT_EPS : SMP_DEFAULT_EPS);
        b.batch(true).emptyPolicy(EmptyPolicy.ZERO).reduction(Reduction.MEAN);
        boolean fromLogits = !kwargs.containsKey("from_logits") || Boolean.parseBoolean(
                kwargs.get("from_logits").toLowerCase());
        String mode = unquote(kwargs.get("mode"));
        Tensor logits;
        Tensor target;
        switch (mode) {
            case "binary" -> {
                // y_pred viewed (N, 1, -1), y_true (N, 1, -1): the binary label map (labels 0/1) is the mask.
                long[] shape = {1, 1, 1, yPred.size()};
                logits = yPred.reshape(shape).float32();
                target = yTrue.reshape(shape).int64();
                b.activation(fromLogits ? Activation.SIGMOID : Activation.NONE);
            }
            case "multiclass" -> {
                // y_pred (N, C, S), y_true (N, S) class indices: our label map.
                logits = yPred.float32();
                target = yTrue.int64();
                b.activation(fromLogits ? Activation.SOFTMAX : Activation.NONE);
            }
            case "multilabel" -> {
                logits = yPred.float32();
                target = yTrue.float32();
                b.activation(fromLogits ? Activation.SIGMOID : Activation.NONE);
            }
            default -> throw new IllegalArgumentException("unexpected smp mode " + mode);
        }
        return new Run(b.build(), logits, target, Observe.LOSS, new double[] {expected}, tolerance);
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

    // ---------------------------------------------------------------------------------------------------------
    // Keras 3

    private static final Pattern KERAS_LOSS = Pattern.compile("keras\\.losses\\.(Dice|Tversky)\\((.*)\\)");

    private static Plan keras(JsonObject c, JsonObject fixtures) {
        String loss = c.get("loss").getAsString();
        Matcher m = KERAS_LOSS.matcher(loss);
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected Keras loss " + loss);
        }
        JsonObject p = c.getAsJsonObject("params");
        requireKnownKeys(p, Set.of("axis", "alpha", "beta", "reduction"));
        JsonObject in = c.getAsJsonObject("inputs");
        Nd yTrue = Nd.of(fixture(fixtures, in.get("y_true")));
        Nd yPred = Nd.of(fixture(fixtures, in.get("y_pred")));
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
        if (!p.has("axis")) {
            // axis=None: one ratio over every element (batch and the single channel pooled): batch statistics.
            b.batch(true);
        } else {
            // axis=(1, …, rank−1): every axis but the batch: per-image statistics.
            double[] axis = doubles(p.getAsJsonArray("axis"));
            double[] allButBatch = new double[yPred.rank() - 1];
            Arrays.setAll(allButBatch, i -> i + 1);
            if (!Arrays.equals(axis, allButBatch)) {
                throw new IllegalArgumentException("unexpected Keras axis " + Arrays.toString(axis));
            }
            b.batch(false);
        }
        boolean noReduction = p.has("reduction") && p.get("reduction").isJsonNull();
        if (p.has("reduction") && !noReduction) {
            throw new IllegalArgumentException("unexpected Keras reduction " + p.get("reduction"));
        }
        // Default reduction sum_over_batch_size: the mean of the per-image values (or the single pooled value).
        b.reduction(noReduction ? Reduction.NONE : Reduction.MEAN);
        return new Run(b.build(), logits.float32(), target.float32(), noReduction ? Observe.TERMS : Observe.LOSS,
                Nd.of(c.get("expected")).data(), Tolerance.of(c.getAsJsonObject("tolerance")));
    }

    // ---------------------------------------------------------------------------------------------------------
    // kornia

    private static final Pattern KORNIA_LOSS = Pattern.compile("kornia\\.losses\\.DiceLoss\\((.*)\\)");
    private static final Pattern KORNIA_AVERAGE = Pattern.compile("average\\s*=\\s*'(\\w+)'");
    private static final Pattern KORNIA_WEIGHT = Pattern.compile("weight\\s*=\\s*(\\[[^\\]]*\\])");

    private static Plan kornia(JsonObject c, JsonObject previous) {
        String loss = c.get("loss").getAsString();
        Matcher m = KORNIA_LOSS.matcher(loss);
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected kornia loss " + loss);
        }
        requireKnownKeys(c.getAsJsonObject("params"), Set.of());
        // Averaging and weights first: a case that is not expressible is skipped whatever its other arguments.
        Matcher averageArg = KORNIA_AVERAGE.matcher(m.group(1));
        String average = averageArg.find() ? averageArg.group(1) : "micro";
        Matcher weightArg = KORNIA_WEIGHT.matcher(m.group(1));
        double[] weight = weightArg.find() ? parseNumbers(weightArg.group(1)) : null;
        if (average.equals("micro") && !isOneHot(weight)) {
            return new Skip("kornia average='micro' pools all classes of an image into one Dice ratio"
                    + " (2·Σ_c w_c·I_c / Σ_c w_c·(P_c + G_c)); our terms are per (image, class), so only a one-hot"
                    + " weight vector (which reduces micro to the Dice of that class) is expressible");
        }
        if (!average.equals("micro") && !average.equals("macro")) {
            throw new IllegalArgumentException("unexpected kornia average " + average);
        }
        Map<String, String> kwargs = kwargs(m.group(1));
        requireKnownKeys(kwargs.keySet(), Set.of("average", "eps", "weight", "ignore_index"));
        JsonObject in = c.getAsJsonObject("inputs");
        String logitsCode = in.get("logits").getAsString();
        String labelsCode = in.get("labels").getAsString();
        if (logitsCode.equals("as above") || labelsCode.equals("as above")) {
            JsonObject above = previous.getAsJsonObject("inputs");
            logitsCode = logitsCode.equals("as above") ? above.get("logits").getAsString() : logitsCode;
            labelsCode = labelsCode.equals("as above") ? above.get("labels").getAsString() : labelsCode;
        }
        Nd logits = TorchSnippet.evaluate(logitsCode);
        Nd labels = TorchSnippet.evaluate(labelsCode);
        // Softmax over channels; eps in the denominator only; macro (and micro with a one-hot weight): the
        // weighted mean Σ w·ℓ / Σ w of the per-class terms of each image, then the mean over images.
        DiceLoss.Builder b = DiceLoss.builder().activation(Activation.SOFTMAX).smoothNumerator(0.0)
                .smoothDenominator(kwargs.containsKey("eps") ? Double.parseDouble(kwargs.get("eps"))
                        : KORNIA_DEFAULT_EPS)
                .ignoreIndex(kwargs.containsKey("ignore_index") ? Long.parseLong(kwargs.get("ignore_index"))
                        : KORNIA_DEFAULT_IGNORE_INDEX)
                .reduction(Reduction.MEAN);
        if (weight != null) {
            b.classWeights(weight).weightNormalization(WeightNormalization.WEIGHT_SUM);
        }
        return new Run(b.build(), logits.float32(), labels.int64(), Observe.LOSS,
                new double[] {c.get("expected").getAsDouble()}, Tolerance.of(c.getAsJsonObject("tolerance")));
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

    // ---------------------------------------------------------------------------------------------------------
    // BigDL DiceCoefficientCriterion

    private static Plan bigdl(JsonObject c) {
        String loss = c.get("loss").getAsString();
        if (!loss.startsWith("DiceCoefficientCriterion[Float](sizeAverage=true")) {
            throw new IllegalArgumentException("unexpected BigDL loss " + loss);
        }
        JsonObject p = c.getAsJsonObject("params");
        requireKnownKeys(p, Set.of("epsilon"));
        double epsilon = p.get("epsilon").getAsDouble();
        JsonObject in = c.getAsJsonObject("inputs");
        Nd input = Nd.of(in.get("input"));
        Nd target = Nd.of(in.get("target"));
        // A vector is one row; a matrix has one row per sample: rows are our images, C = 1, the row's elements
        // our voxels. 1 − (2I + ε)/(P + G + ε) per row, averaged over rows (sizeAverage).
        long[] shape = input.rank() == 1 ? new long[] {1, 1, input.size()}
                : new long[] {input.shape()[0], 1, input.shape()[1]};
        DiceLoss dice = DiceLoss.builder().activation(Activation.NONE).smooth(epsilon).reduction(Reduction.MEAN)
                .build();
        JsonObject expected = c.getAsJsonObject("expected");
        return new Run(dice, input.reshape(shape).float32(), target.reshape(shape).float32(), Observe.LOSS,
                new double[] {expected.get("loss").getAsDouble()}, Tolerance.of(c.getAsJsonObject("tolerance")),
                Nd.of(expected.get("gradInput")).data());
    }

    // ---------------------------------------------------------------------------------------------------------
    // MONAI compute_dice / DiceMetric (hard metric)

    /**
     * A hard-metric case: the expected values (NaN where MONAI gives NaN), or with {@code nanPattern} the expected
     * isnan() booleans as 1/0.
     */
    private record MetricRun(DiceMetric metric, Tensor prediction, Tensor target, double[] expected,
            Tolerance tolerance, boolean nanPattern) implements Plan {

        void check(String id) {
            for (DiceMetric candidate : List.of(metric, metric.toBuilder().referenceKernels(true).build())) {
                MetricResult result = candidate.compute(prediction, target);
                double[] actual = result.reducedDice();
                String context = id + " on " + candidate.kernelName() + " kernels, " + candidate;
                assertEquals(expected.length, actual.length, context + ": number of values");
                for (int i = 0; i < expected.length; i++) {
                    if (nanPattern) {
                        assertEquals(expected[i] == 1, Double.isNaN(actual[i]), context + ": isnan of value " + i);
                    } else if (Double.isNaN(expected[i]) || Double.isNaN(actual[i])) {
                        assertEquals(Double.isNaN(expected[i]), Double.isNaN(actual[i]), context + ": NaN at " + i);
                    } else if (!(Math.abs(actual[i] - expected[i]) <= tolerance.bound(expected[i]))) {
                        fail(context + ": value " + i + " expected " + expected[i] + " but was " + actual[i]);
                    }
                }
            }
        }
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

    private static Plan meanDice(JsonObject c, JsonObject fixtures) {
        JsonObject p = c.getAsJsonObject("params");
        requireKnownKeys(p, Set.of("include_background", "reduction", "get_not_nans", "ignore_empty"));
        String reduction = p.has("reduction") ? p.get("reduction").getAsString() : "none";
        if (reduction.equals("sum_batch")) {
            return new Skip("reduction sum_batch (a sum over images per class) is not one of the spec's metric"
                    + " reductions (MEAN, MEAN_BATCH, NONE)");
        }
        JsonObject in = c.getAsJsonObject("inputs");
        Nd prediction = filledOrLiteral(fixture(fixtures, in.get("y_pred")));
        Nd target = filledOrLiteral(fixture(fixtures, in.get("y")));
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

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static JsonElement fixture(JsonObject fixtures, JsonElement reference) {
        if (reference.isJsonPrimitive() && reference.getAsJsonPrimitive().isString()) {
            JsonElement value = fixtures.get(reference.getAsString());
            if (value == null) {
                throw new IllegalArgumentException("unknown fixture " + reference.getAsString());
            }
            return value;
        }
        return reference;
    }

    private static void requireKnownKeys(JsonObject object, Set<String> known) {
        requireKnownKeys(object.keySet(), known);
    }

    private static void requireKnownKeys(Set<String> keys, Set<String> known) {
        for (String key : keys) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unmapped upstream option " + key);
            }
        }
    }

    private static boolean bool(JsonObject p, String key, boolean fallback) {
        return p.has(key) ? p.get(key).getAsBoolean() : fallback;
    }

    private static double number(JsonObject p, String key, double fallback) {
        return p.has(key) ? p.get(key).getAsDouble() : fallback;
    }

    private static double[] doubles(JsonArray array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    private static double[] parseNumbers(String list) {
        String body = list.trim();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            throw new IllegalArgumentException("expected a list, got " + list);
        }
        return Arrays.stream(body.substring(1, body.length() - 1).split(",")).map(String::trim)
                .mapToDouble(Double::parseDouble).toArray();
    }

    private static String unquote(String value) {
        if (value == null) {
            throw new IllegalArgumentException("missing argument");
        }
        String v = value.trim();
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Python keyword arguments {@code a=1, b=[1, 2], c='x'} (no nested parentheses). */
    private static Map<String, String> kwargs(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        int depth = 0;
        int start = 0;
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '[' || ch == '(' || ch == '{') {
                depth++;
            } else if (ch == ']' || ch == ')' || ch == '}') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        for (String part : parts) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got '" + part.trim() + "' in " + text);
            }
            result.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return result;
    }

    /** A dense row-major array of doubles with its shape. */
    private record Nd(double[] data, long[] shape) {

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

    /**
     * The few PyTorch expressions kornia's cases describe their inputs with: {@code zeros(a,b,…)} (optionally
     * followed by a dtype word), {@code tensor([…]).expand((…))}, then {@code ;}-separated slice assignments
     * {@code name[idx, …]=value} or {@code [idx, …]=value} with indices {@code k}, {@code :}, {@code a:},
     * {@code :b}, {@code a:b} and one optional {@code ...}.
     */
    private static final class TorchSnippet {
        private static final Pattern ZEROS = Pattern.compile("zeros\\(([0-9,\\s]+)\\)(\\s+\\w+)?");
        private static final Pattern EXPAND =
                Pattern.compile("tensor\\(\\[([-0-9.,\\s]+)\\]\\)\\.expand\\(\\(([-0-9,\\s]+)\\)\\)");
        private static final Pattern ASSIGN = Pattern.compile("\\w*\\[([^\\]]*)\\]\\s*=\\s*(-?[0-9.]+)");

        static Nd evaluate(String code) {
            String[] statements = code.split(";");
            Nd nd = create(statements[0].trim());
            for (int s = 1; s < statements.length; s++) {
                Matcher m = ASSIGN.matcher(statements[s].trim());
                if (!m.matches()) {
                    throw new IllegalArgumentException("unsupported statement '" + statements[s].trim() + "'");
                }
                assign(nd, m.group(1), Double.parseDouble(m.group(2)));
            }
            return nd;
        }

        private static Nd create(String expression) {
            Matcher zeros = ZEROS.matcher(expression);
            if (zeros.matches()) {
                return Nd.zeros(Arrays.stream(zeros.group(1).split(",")).map(String::trim)
                        .mapToLong(Long::parseLong).toArray());
            }
            Matcher expand = EXPAND.matcher(expression);
            if (expand.matches()) {
                double[] source = Arrays.stream(expand.group(1).split(",")).map(String::trim)
                        .mapToDouble(Double::parseDouble).toArray();
                long[] target = Arrays.stream(expand.group(2).split(",")).map(String::trim)
                        .mapToLong(Long::parseLong).toArray();
                // A 1-d source aligns with the last axis; -1 keeps its size; other axes broadcast.
                if (target[target.length - 1] == -1) {
                    target[target.length - 1] = source.length;
                }
                if (target[target.length - 1] != source.length) {
                    throw new IllegalArgumentException("cannot expand " + expression);
                }
                for (int axis = 0; axis < target.length - 1; axis++) {
                    if (target[axis] < 1) {
                        throw new IllegalArgumentException("cannot expand " + expression);
                    }
                }
                Nd nd = Nd.zeros(target);
                for (int i = 0; i < nd.data().length; i++) {
                    nd.data()[i] = source[i % source.length];
                }
                return nd;
            }
            throw new IllegalArgumentException("unsupported expression '" + expression + "'");
        }

        private static void assign(Nd nd, String indexText, double value) {
            long[] shape = nd.shape();
            String[] tokens = Arrays.stream(indexText.split(",")).map(String::trim).toArray(String[]::new);
            // Expand "..." into as many ":" as needed; pad missing trailing axes with ":".
            List<String> axes = new ArrayList<>();
            int explicit = (int) Arrays.stream(tokens).filter(t -> !t.equals("...")).count();
            for (String t : tokens) {
                if (t.equals("...")) {
                    for (int k = 0; k < shape.length - explicit; k++) {
                        axes.add(":");
                    }
                } else {
                    axes.add(t);
                }
            }
            while (axes.size() < shape.length) {
                axes.add(":");
            }
            if (axes.size() != shape.length) {
                throw new IllegalArgumentException("index [" + indexText + "] does not fit " + Arrays.toString(shape));
            }
            long[] from = new long[shape.length];
            long[] to = new long[shape.length];
            for (int a = 0; a < shape.length; a++) {
                String t = axes.get(a);
                int colon = t.indexOf(':');
                if (colon < 0) {
                    from[a] = Long.parseLong(t);
                    to[a] = from[a] + 1;
                } else {
                    String lo = t.substring(0, colon).trim();
                    String hi = t.substring(colon + 1).trim();
                    from[a] = lo.isEmpty() ? 0 : Long.parseLong(lo);
                    to[a] = hi.isEmpty() ? shape[a] : Long.parseLong(hi);
                }
                if (from[a] < 0 || to[a] > shape[a] || from[a] >= to[a]) {
                    throw new IllegalArgumentException("index [" + indexText + "] out of " + Arrays.toString(shape));
                }
            }
            double[] data = nd.data();
            for (int flat = 0; flat < data.length; flat++) {
                long rest = flat;
                boolean inside = true;
                for (int a = shape.length - 1; a >= 0; a--) {
                    long coordinate = rest % shape[a];
                    rest /= shape[a];
                    if (coordinate < from[a] || coordinate >= to[a]) {
                        inside = false;
                    }
                }
                if (inside) {
                    data[flat] = value;
                }
            }
        }
    }

    /** Guards the snippet evaluator, which builds the kornia inputs. */
    @Test
    @DisplayName("kornia input snippets evaluate as PyTorch would")
    void korniaSnippets() {
        Nd logits = TorchSnippet.evaluate("zeros(2,2,1,4); logits[:,0,:,0]=100; logits[:,1,:,1:]=100");
        assertEquals(List.of(2L, 2L, 1L, 4L), Arrays.stream(logits.shape()).boxed().toList());
        double[] image = {100, 0, 0, 0, 0, 100, 100, 100};
        double[] both = new double[16];
        System.arraycopy(image, 0, both, 0, 8);
        System.arraycopy(image, 0, both, 8, 8);
        assertEquals(Arrays.toString(both), Arrays.toString(logits.data()));
        Nd labels = TorchSnippet.evaluate("zeros(2,1,4) int64; labels[...,2:]=-100");
        assertEquals("[0.0, 0.0, -100.0, -100.0, 0.0, 0.0, -100.0, -100.0]", Arrays.toString(labels.data()));
        Nd expanded = TorchSnippet.evaluate("tensor([0,1,2,2]).expand((4,1,-1))");
        assertEquals(List.of(4L, 1L, 4L), Arrays.stream(expanded.shape()).boxed().toList());
        assertEquals(2.0, expanded.data()[15]);
        Nd allZero = TorchSnippet.evaluate("zeros(2,3,1,2); [:,0]=10; [:,1]=1; [:,2]=1");
        assertEquals("[10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0]",
                Arrays.toString(allZero.data()));
    }
}
