package org.dice4j.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dice4j.DiceMetric;
import org.dice4j.MetricResult;
import org.dice4j.Tensor;

/**
 * How {@code eval} scores one case, in its own arena (freed when the case is done, so that a worker holds one case
 * at a time): the library's metric of the pair ({@link CasePair#forMetric}), or, with a labelling, the counts per
 * label or region of nnU-Net's summary ({@link LabelPairs}). Differing spacings or affines are warnings, or the
 * case's failure when strict.
 */
final class EvalCase {
    /** What became of one name: a result (one of the two kinds), or the reason it has none; warnings either way. */
    record Outcome(String name, MetricResult metric, NnUnetSummary.Case counts, List<String> warnings, String failure) {
        boolean scored() {
            return failure == null;
        }
    }

    private final Path predictionFolder;
    private final Path targetFolder;
    private final MetricOptions options;
    private final DiceMetric metric;
    private final Labelling labelling;
    private final boolean strict;

    EvalCase(Path predictionFolder, Path targetFolder, MetricOptions options, DiceMetric metric, Labelling labelling,
            boolean strict) {
        this.predictionFolder = predictionFolder;
        this.targetFolder = targetFolder;
        this.options = options;
        this.metric = metric;
        this.labelling = labelling;
        this.strict = strict;
    }

    /** The outcome of {@code name}; never throws for bad input (the reason is the outcome). */
    Outcome score(String name, boolean hasPrediction, boolean hasTarget) {
        Path prediction = predictionFolder.resolve(name);
        Path target = targetFolder.resolve(name);
        List<String> warnings = new ArrayList<>();
        if (!hasTarget) {
            return failed(name, warnings, prediction + ": no target for this prediction");
        }
        if (!hasPrediction) {
            return failed(name, warnings, target + ": no prediction for this target");
        }
        try (Arena arena = Arena.ofConfined()) {
            CaseFile predictionFile = CaseFile.read(prediction, arena);
            CaseFile targetFile = CaseFile.read(target, arena);
            warnings.addAll(CaseGeometry.differences(predictionFile, targetFile));
            if (strict && !warnings.isEmpty()) {
                return failed(name, List.of(), warnings.getFirst() + " (--strict)");
            }
            if (labelling != null) {
                return new Outcome(name, null, counts(predictionFile, targetFile, arena), warnings, null);
            }
            Tensor[] pair = CasePair.forMetric(predictionFile, targetFile, arena);
            options.check(pair[0], prediction, pair[1], target);
            return new Outcome(name, metric.compute(pair[0], pair[1]), null, warnings, null);
        } catch (IllegalArgumentException e) {
            return failed(name, warnings, LibraryMessages.locate(e, "prediction", prediction, target));
        }
    }

    private NnUnetSummary.Case counts(CaseFile prediction, CaseFile target, Arena arena) {
        Tensor[] maps = CasePair.labelMaps(prediction, target, arena);
        LabelPairs pairs = LabelPairs.count(maps[0], maps[1], labelling.ignore());
        List<LabelPairs.Counts> counts = labelling.regions().stream().map(region -> pairs.counts(region.members()))
                .toList();
        return new NnUnetSummary.Case(prediction.path().toString(), target.path().toString(), counts);
    }

    private static Outcome failed(String name, List<String> warnings, String reason) {
        return new Outcome(name, null, null, warnings, reason);
    }
}
