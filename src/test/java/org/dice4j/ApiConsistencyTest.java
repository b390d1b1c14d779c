package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.dice4j.testing.OptionTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The rules the public API follows everywhere: one exception for a call the reduction does not support, one way to
 * unset an option, weights required with Tversky, an accessor for every option, and a {@code toString} a builder
 * can be rebuilt from.
 */
class ApiConsistencyTest {
    private static final long[] SHAPE = {2, 3, 5};
    private static final float[] LOGITS = new float[30];
    private static final long[] LABELS = {0, 1, 2, 1, 1, 2, 2, 0, 1, 0};

    static {
        for (int i = 0; i < LOGITS.length; i++) {
            LOGITS[i] = (float) Math.sin(1.7 * i);
        }
    }

    private static Tensor logits() {
        return Tensor.of(LOGITS, SHAPE);
    }

    private static Tensor labels() {
        return Tensor.of(LABELS, 2, 5);
    }

    private static Tensor gradient() {
        return Tensor.of(new float[30], SHAPE);
    }

    @Test
    void everyCallTheReductionDoesNotSupportThrowsIllegalStateException() {
        DiceLoss none = DiceLoss.builder().reduction(Reduction.NONE).build();
        DiceLoss mean = DiceLoss.builder().build();
        Statistics whole = none.statistics(logits(), labels());
        List<Executable> misuses = List.of(
                () -> none.lossValue(logits(), labels()),
                () -> none.lossValueAndGradient(logits(), labels(), gradient()),
                () -> none.forwardBackward(logits(), labels(), gradient()),
                () -> none.forwardBackward(logits(), labels(), gradient(), 2.0),
                () -> none.tileGradient(whole, 0, logits(), labels(), gradient(), 1.0),
                () -> none.forward(logits(), labels()).loss(),
                () -> mean.forwardBackward(logits(), labels(), gradient(), new double[2][3]));
        for (int i = 0; i < misuses.size(); i++) {
            String message = assertThrows(IllegalStateException.class, misuses.get(i), "misuse " + i).getMessage();
            assertTrue(message.contains("reduction"), message);
        }
    }

    @Test
    void theLossUnsetsEachOptionalOptionByItsClearMethodAndNeverByNull() {
        Executor executor = ForkJoinPool.commonPool();
        DiceLoss set = DiceLoss.builder().activation(Activation.SIGMOID).generalized(GeneralizedWeight.SIMPLE)
                .executor(executor).ignoreIndex(255).build();
        assertEquals(Optional.of(Activation.SIGMOID), set.activation());
        assertEquals(Optional.of(GeneralizedWeight.SIMPLE), set.generalized());
        assertEquals(Optional.of(executor), set.executor());
        assertEquals(OptionalLong.of(255), set.ignoreIndex());
        DiceLoss cleared = set.toBuilder().clearActivation().clearGeneralized().clearExecutor().clearIgnoreIndex()
                .classWeights(1, 2).clearClassWeights().build();
        assertEquals(Optional.empty(), cleared.activation());
        assertEquals(Optional.empty(), cleared.generalized());
        assertEquals(Optional.empty(), cleared.executor());
        assertEquals(OptionalLong.empty(), cleared.ignoreIndex());
        assertEquals(Optional.empty(), cleared.classWeights());
        assertEquals(DiceLoss.builder().build().toString(), cleared.toString());
        DiceLoss.Builder builder = DiceLoss.builder();
        assertEquals("activation: null; clearActivation() restores the default",
                assertThrows(NullPointerException.class, () -> builder.activation(null)).getMessage());
        assertEquals("generalized: null; clearGeneralized() restores the default",
                assertThrows(NullPointerException.class, () -> builder.generalized(null)).getMessage());
        assertEquals("executor: null; clearExecutor() restores the default",
                assertThrows(NullPointerException.class, () -> builder.executor(null)).getMessage());
        assertEquals("classWeights: null; clearClassWeights() restores the default",
                assertThrows(NullPointerException.class, () -> builder.classWeights((double[]) null)).getMessage());
    }

    @Test
    @SuppressWarnings("removal")
    void theDeprecatedNoIgnoreIndexStillClearsIt() {
        assertEquals(OptionalLong.empty(), DiceLoss.builder().ignoreIndex(3).noIgnoreIndex().build().ignoreIndex());
    }

    @Test
    void theMetricUnsetsItsOptionsTheSameWay() {
        DiceMetric set = DiceMetric.builder().activation(Activation.SIGMOID).ignoreIndex(255).numClasses(4)
                .executor(ForkJoinPool.commonPool()).build();
        assertEquals(Optional.of(Activation.SIGMOID), set.activation());
        assertEquals(OptionalLong.of(255), set.ignoreIndex());
        assertEquals(OptionalInt.of(4), set.numClasses());
        DiceMetric cleared = set.toBuilder().clearActivation().clearIgnoreIndex().clearNumClasses().clearExecutor()
                .build();
        assertEquals(DiceMetric.builder().build().toString(), cleared.toString());
        assertEquals(OptionalInt.empty(), cleared.numClasses());
        assertEquals(OptionalLong.empty(), cleared.ignoreIndex());
        assertEquals("numClasses: expected a value ≥ 1 (clearNumClasses() for the inputs' count), got 0",
                assertThrows(IllegalArgumentException.class, () -> DiceMetric.builder().numClasses(0)).getMessage());
        assertEquals("activation: null; clearActivation() restores the default",
                assertThrows(NullPointerException.class, () -> DiceMetric.builder().activation(null)).getMessage());
        // The ignore index works as the loss's: ignored voxels count in no class.
        MetricResult ignoring = DiceMetric.builder().ignoreIndex(1).reduction(MetricReduction.NONE).build()
                .compute(logits(), labels());
        assertEquals(0, ignoring.target()[0][1], "class 1 of image 0 has no target voxel left");
        assertEquals(0, ignoring.target()[1][1], "class 1 of image 1 has no target voxel left");
        assertEquals(1, ignoring.target()[0][2]);
        assertEquals(2, ignoring.target()[1][2]);
    }

    @Test
    void tverskyNeedsItsWeights() {
        assertEquals("variant: TVERSKY needs its weights α and β: use tversky(alpha, beta), got variant(TVERSKY)",
                assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().variant(Variant.TVERSKY))
                        .getMessage());
        DiceLoss tversky = DiceLoss.builder().tversky(0.3, 0.7).build();
        assertEquals(Variant.TVERSKY, tversky.variant());
        assertEquals(0.3, tversky.alpha());
        assertEquals(0.7, tversky.beta());
    }

    @Test
    void theNamedLossesSmoothBy1AndTheBuilderBy1e5() {
        for (DiceLoss classic : List.of(DiceLoss.binary(), DiceLoss.multiClass())) {
            assertEquals(1.0, classic.smoothNumerator());
            assertEquals(1.0, classic.smoothDenominator());
        }
        assertEquals(1e-5, DiceLoss.builder().build().smoothNumerator());
        assertEquals(1e-5, DiceLoss.builder().build().smoothDenominator());
    }

    @Test
    void activationForResolvesAnUnsetActivationFromTheClassCount() {
        DiceLoss auto = DiceLoss.builder().build();
        assertEquals(Activation.SIGMOID, auto.activationFor(1));
        assertEquals(Activation.SOFTMAX, auto.activationFor(2));
        assertEquals(Activation.NONE, auto.toBuilder().activation(Activation.NONE).build().activationFor(7));
        assertEquals("classes: expected a value ≥ 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> auto.activationFor(0)).getMessage());
    }

    /** Builders that, between them, set every option but the executor to something other than its default. */
    private static List<DiceLoss> configured() {
        return List.of(DiceLoss.builder().activation(Activation.SIGMOID).tversky(0.3, 0.7).focalGamma(0.75)
                        .softLabel(true).smoothNumerator(0.25).smoothDenominator(0.1).denominatorFloor(1e-3).batch(true)
                        .includeBackground(false).classWeights(0.1, 2, 1.0 / 3).weightNormalization(WeightNormalization.WEIGHT_SUM)
                        .emptyPolicy(EmptyPolicy.EXCLUDE).reduction(Reduction.SUM).ignoreIndex(-100).lambdaDice(0.5)
                        .lambdaCrossEntropy(1.5).threads(3).referenceKernels(true).build(),
                DiceLoss.builder().activation(Activation.NONE).variant(Variant.JACCARD).logLoss(true).squared(true)
                        .reduction(Reduction.NONE).build(),
                DiceLoss.builder().generalized(GeneralizedWeight.UNIFORM).build(),
                DiceLoss.builder().tversky(0.2, 0.9).variant(Variant.DICE).build(),
                DiceLoss.binary(), DiceLoss.multiClass(), DiceLoss.builder().build());
    }

    private static DiceLoss rebuilt(String text) {
        Map<String, String> options = OptionTexts.parse(text, "DiceLoss");
        DiceLoss.Builder builder = DiceLoss.builder()
                .tversky(Double.parseDouble(options.remove("alpha")), Double.parseDouble(options.remove("beta")));
        String variant = options.remove("variant");
        if (!variant.equals("TVERSKY")) {
            builder.variant(Variant.valueOf(variant));
        }
        options.forEach((name, value) -> OptionTexts.apply(builder, name, value));
        return builder.build();
    }

    @Test
    void theLossesToStringRebuildsTheSameLoss() throws ReflectiveOperationException {
        List<Method> accessors = accessors(DiceLoss.class);
        assertEquals(24, accessors.size(), "one accessor per option: " + accessors);
        List<String> changed = new ArrayList<>();
        for (DiceLoss loss : configured()) {
            DiceLoss rebuilt = rebuilt(loss.toString());
            assertEquals(loss.toString(), rebuilt.toString());
            for (Method accessor : accessors) {
                String original = text(accessor.invoke(loss));
                assertEquals(original, text(accessor.invoke(rebuilt)), accessor.getName() + " of " + loss);
                if (!original.equals(text(accessor.invoke(DiceLoss.builder().build())))) {
                    changed.add(accessor.getName());
                }
            }
        }
        for (Method accessor : accessors) {
            assertTrue(accessor.getName().equals("executor") || changed.contains(accessor.getName()),
                    accessor.getName() + " is never set to a non-default value here");
        }
        DiceLoss withExecutor = DiceLoss.builder().executor(ForkJoinPool.commonPool()).build();
        assertTrue(withExecutor.toString().contains("executor=" + ForkJoinPool.commonPool()), withExecutor.toString());
    }

    @Test
    void theMetricsToStringRebuildsTheSameMetric() throws ReflectiveOperationException {
        List<Method> accessors = accessors(DiceMetric.class);
        assertEquals(10, accessors.size(), "one accessor per option: " + accessors);
        for (DiceMetric metric : List.of(DiceMetric.builder().build(), DiceMetric.builder().activation(Activation.NONE)
                .threshold(0.25).includeBackground(false).ignoreEmpty(false).ignoreIndex(255).numClasses(3)
                .reduction(MetricReduction.MEAN_BATCH).threads(2).referenceKernels(true).build())) {
            DiceMetric.Builder builder = DiceMetric.builder();
            OptionTexts.parse(metric.toString(), "DiceMetric").forEach((name, value) -> OptionTexts.apply(builder,
                    name, value));
            DiceMetric rebuilt = builder.build();
            assertEquals(metric.toString(), rebuilt.toString());
            for (Method accessor : accessors) {
                assertEquals(text(accessor.invoke(metric)), text(accessor.invoke(rebuilt)), accessor.getName());
            }
        }
    }

    /** The option accessors: public, no parameter, not Object's, not the kernels' name (inherited ones too). */
    private static List<Method> accessors(Class<?> type) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getDeclaringClass() != Object.class
                        && java.lang.reflect.Modifier.isPublic(m.getModifiers())
                        && !java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                        && !List.of("toString", "toBuilder", "kernelName", "hashCode").contains(m.getName()))
                .collect(java.util.stream.Collectors.toMap(Method::getName, m -> m, (first, bridge) -> first,
                        java.util.LinkedHashMap::new))
                .values().stream().toList();
    }

    /** A value as comparable text: arrays and optional arrays by their elements. */
    private static String text(Object value) {
        if (value instanceof Optional<?> optional && optional.isPresent() && optional.get() instanceof double[] array) {
            return "Optional" + Arrays.toString(array);
        }
        return String.valueOf(value);
    }

    @Test
    void theDocsShowTheToStringOfMultiClass() throws java.io.IOException {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("docs/api.md"));
        int start = page.indexOf("    DiceLoss[");
        String shown = page.substring(start, page.indexOf("]\n", start) + 1).replaceAll("\\s*\n\\s*", " ").trim();
        assertEquals(DiceLoss.multiClass().toString(), shown);
    }

    @Test
    void theClassWeightsAccessorHandsOutACopy() {
        DiceLoss loss = DiceLoss.builder().classWeights(1, 2).build();
        loss.classWeights().orElseThrow()[0] = 99;
        assertEquals("[1.0, 2.0]", Arrays.toString(loss.classWeights().orElseThrow()));
    }
}
