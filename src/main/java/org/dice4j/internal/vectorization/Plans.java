package org.dice4j.internal.vectorization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.dice4j.Activation;
import org.dice4j.internal.StatisticsPass;

/**
 * The stage lists of every kind of pass, built once at class load so that calls allocate nothing, keyed by what
 * chooses the stages ({@link Key}). Staged passes (channels-last, half precision) run the same lists with STAGE_IN
 * first and, after a gradient stage, STAGE_OUT last.
 */
final class Plans {
    /**
     * What a pass's stages depend on: the activation, the kind of target, whether the sums are plain (q = 1, no soft
     * label) and whether the cross-entropy is added. Gradient lists ignore the cross-entropy (its κ is a coefficient).
     */
    record Key(boolean softmax, boolean labels, boolean plainSums, boolean crossEntropy) {
        private static final Key[] ALL = new Key[16];

        static {
            for (int bits = 0; bits < ALL.length; bits++) {
                ALL[bits] = new Key((bits & 8) != 0, (bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0);
            }
        }

        /** The key of {@code pass}: one of sixteen, made once. */
        static Key of(StatisticsPass pass) {
            boolean plain = !pass.squared() && !pass.softIntersection();
            return ALL[(pass.activation() == Activation.SOFTMAX ? 8 : 0) + (pass.denseTarget() ? 0 : 4)
                    + (plain ? 2 : 0) + (pass.crossEntropy() ? 1 : 0)];
        }

        static List<Key> all() {
            return List.of(ALL);
        }
    }

    static final Stage STAGE_LABELS = LabelStages::stageLabels;
    static final Stage STAGE_ELEMENTWISE = ActivationStages::stageElementwise;
    static final Stage STAGE_SOFTMAX = ActivationStages::stageSoftmax;
    static final Stage STAGE_ELEMENTWISE_STORING = ActivationStages::stageElementwiseStoring;
    /** Writes the staged probabilities (times the scale) into the gradient segment. */
    static final Stage STORE = ActivationStages::storeProbabilities;
    static final Stage ACCUMULATE_DENSE = AccumulationStages::accumulateDense;
    static final Stage ACCUMULATE_DENSE_SCALED = AccumulationStages::accumulateDenseScaled;
    static final Stage ACCUMULATE_LABELS_SCALED = AccumulationStages::accumulateLabelsScaled;
    static final Stage ACCUMULATE_DENSE_WITH_OPTIONS = AccumulationStages::accumulateDenseWithOptions;
    static final Stage ACCUMULATE_LABELS = AccumulationStages::accumulateLabels;
    static final Stage ACCUMULATE_LABELS_WITH_OPTIONS = AccumulationStages::accumulateLabelsWithOptions;
    static final Stage CROSS_ENTROPY_SOFTMAX = CrossEntropyStages::accumulateCrossEntropySoftmax;
    static final Stage CROSS_ENTROPY_SIGMOID = CrossEntropyStages::accumulateCrossEntropySigmoid;
    /** Ends a float accumulation block: every four chunks (BLOCK_VOXELS voxels) and at the end of the task. */
    static final Stage CLOSE_BLOCK = AccumulationStages::closeBlock;
    static final Stage GRADIENT_ELEMENTWISE = GradientStages::gradientElementwise;
    static final Stage GRADIENT_ELEMENTWISE_PLAIN = GradientStages::gradientElementwisePlain;
    static final Stage GRADIENT_SOFTMAX_PLAIN = GradientStages::gradientSoftmaxPlain;
    static final Stage GRADIENT_SOFTMAX = GradientStages::gradientSoftmax;
    static final Stage GRADIENT_SOFTMAX_LABELS_PLAIN = GradientStages::gradientSoftmaxLabelsPlain;
    static final Stage GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED = GradientStages::gradientSoftmaxLabelsPlainStaged;
    static final Stage STAGE_IN = LayoutStaging::stageIn;
    static final Stage STAGE_OUT = LayoutStaging::stageOut;

    /** Two stages: the label check must not be inlined into the chunk loop either (see PassDriver#runStages). */
    static final Stage[] LABELS_ONLY = {STAGE_LABELS, CLOSE_BLOCK};

    private static final List<Stage> GRADIENT_STAGES = List.of(GRADIENT_ELEMENTWISE, GRADIENT_ELEMENTWISE_PLAIN,
            GRADIENT_SOFTMAX, GRADIENT_SOFTMAX_PLAIN, GRADIENT_SOFTMAX_LABELS_PLAIN,
            GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED);

    /** The stages with a plain-Java twin (TwinStages): a plan of these only has a twin plan (ColdStart). */
    private static final Map<Stage, Stage> TWINS = Map.of(STAGE_LABELS, (Stage) TwinStages::stageLabels,
            STAGE_SOFTMAX, TwinStages::stageSoftmax, STORE, TwinStages::storeProbabilities,
            ACCUMULATE_LABELS_SCALED, TwinStages::accumulateLabelsScaled, CLOSE_BLOCK, CLOSE_BLOCK,
            GRADIENT_SOFTMAX_LABELS_PLAIN, TwinStages::gradientSoftmaxLabelsPlain);
    /** Every plan with a twin, by identity (the plans are made once). */
    private static final Map<Stage[], ColdStart> COLD_STARTS = new IdentityHashMap<>();

    private static final Map<Key, Stage[]> STATISTICS = new HashMap<>();
    /** The statistics lists with the probabilities stored right after the activation stage. */
    private static final Map<Key, Stage[]> STORING = new HashMap<>();
    /** Gradient lists that compute the activation again, and those reading the probabilities already stored. */
    private static final Map<Key, Stage[]> GRADIENT = new HashMap<>();
    private static final Map<Key, Stage[]> GRADIENT_FROM_STORED = new HashMap<>();
    private static final Map<Key, Stage[]> STAGED_STATISTICS = new HashMap<>();
    private static final Map<Key, Stage[]> STAGED_GRADIENT = new HashMap<>();

    static {
        for (Key key : Key.all()) {
            STATISTICS.put(key, statisticsStages(key).toArray(Stage[]::new));
            STORING.put(key, storingStages(key).toArray(Stage[]::new));
            GRADIENT.put(key, gradientStages(key, false).toArray(Stage[]::new));
            GRADIENT_FROM_STORED.put(key, gradientStages(key, true).toArray(Stage[]::new));
            // Staged chunks recompute the activation: channels-last never stores p.
            STAGED_STATISTICS.put(key, staged(statisticsStages(key)));
            STAGED_GRADIENT.put(key, staged(gradientStages(key, false)));
        }
        List<Stage[]> plans = new ArrayList<>(List.<Stage[]>of(LABELS_ONLY));
        plans.addAll(STATISTICS.values());
        plans.addAll(STORING.values());
        plans.addAll(GRADIENT.values());
        plans.addAll(GRADIENT_FROM_STORED.values());
        for (Stage[] plan : plans) {
            if (TWINS.keySet().containsAll(List.of(plan))) {
                COLD_STARTS.put(plan, new ColdStart(plan, List.of(plan).stream().map(TWINS::get).toArray(Stage[]::new)));
            }
        }
    }

    /** The twin and the policy of {@code plan}, or null if some stage of it has no twin. */
    static ColdStart coldStart(Stage[] plan) {
        return COLD_STARTS.get(plan);
    }

    private Plans() {}

    /** The statistics stages of {@code pass}, staged or not. */
    static Stage[] statistics(StatisticsPass pass, boolean staged) {
        return (staged ? STAGED_STATISTICS : STATISTICS).get(Key.of(pass));
    }

    /** The statistics stages of {@code pass} that also store every probability into the gradient buffer. */
    static Stage[] storing(StatisticsPass pass) {
        return STORING.get(Key.of(pass));
    }

    /** Labels, then (unless the statistics pass stored the probabilities) the activation and its store, then ∂L/∂z. */
    static Stage[] gradient(StatisticsPass pass, boolean staged, boolean probabilitiesStored) {
        Key key = Key.of(pass);
        return staged ? STAGED_GRADIENT.get(key) : (probabilitiesStored ? GRADIENT_FROM_STORED : GRADIENT).get(key);
    }

    /**
     * Labels (if any), the activation, the accumulation, the cross-entropy (it reads the softmax stage's maximum and
     * sum), the block's close: every list has at least three stages.
     */
    private static List<Stage> statisticsStages(Key key) {
        List<Stage> stages = new ArrayList<>();
        if (key.labels()) {
            stages.add(STAGE_LABELS);
        }
        stages.add(activation(key));
        stages.add(accumulation(key));
        if (key.crossEntropy()) {
            stages.add(key.softmax() ? CROSS_ENTROPY_SOFTMAX : CROSS_ENTROPY_SIGMOID);
        }
        stages.add(CLOSE_BLOCK);
        return stages;
    }

    private static Stage activation(Key key) {
        return key.softmax() ? STAGE_SOFTMAX : STAGE_ELEMENTWISE;
    }

    private static Stage accumulation(Key key) {
        if (!key.plainSums()) {
            return key.labels() ? ACCUMULATE_LABELS_WITH_OPTIONS : ACCUMULATE_DENSE_WITH_OPTIONS;
        }
        return key.softmax() ? (key.labels() ? ACCUMULATE_LABELS_SCALED : ACCUMULATE_DENSE_SCALED)
                : (key.labels() ? ACCUMULATE_LABELS : ACCUMULATE_DENSE);
    }

    /** The softmax's store right after it; the sigmoid's fused into its stage (STAGE_ELEMENTWISE_STORING). */
    private static List<Stage> storingStages(Key key) {
        List<Stage> stages = statisticsStages(key);
        Stage activation = activation(key);
        if (key.softmax()) {
            stages.add(stages.indexOf(activation) + 1, STORE);
        } else {
            stages.set(stages.indexOf(activation), STAGE_ELEMENTWISE_STORING);
        }
        return stages;
    }

    private static List<Stage> gradientStages(Key key, boolean stored) {
        // Plain sums (q = 1, no soft label): ∂L/∂p = a·g + b, a third of the general form's operations.
        Stage softmaxPlain = key.labels() ? GRADIENT_SOFTMAX_LABELS_PLAIN : GRADIENT_SOFTMAX_PLAIN;
        Stage gradient = key.softmax() ? (key.plainSums() ? softmaxPlain : GRADIENT_SOFTMAX)
                : (key.plainSums() ? GRADIENT_ELEMENTWISE_PLAIN : GRADIENT_ELEMENTWISE);
        List<Stage> stages = new ArrayList<>();
        if (key.labels()) {
            stages.add(STAGE_LABELS);
        }
        if (!stored && gradient == GRADIENT_SOFTMAX_LABELS_PLAIN) {
            stages.add(activation(key));
            stages.add(GRADIENT_SOFTMAX_LABELS_PLAIN_STAGED);
        } else {
            if (!stored) {
                stages.add(activation(key));
                stages.add(STORE);
            }
            stages.add(gradient);
        }
        return stages;
    }

    /** STAGE_IN first, and STAGE_OUT after a gradient stage. */
    private static Stage[] staged(List<Stage> plan) {
        List<Stage> stages = new ArrayList<>(plan);
        stages.add(0, STAGE_IN);
        if (GRADIENT_STAGES.contains(stages.get(stages.size() - 1))) {
            stages.add(STAGE_OUT);
        }
        return stages.toArray(Stage[]::new);
    }
}
