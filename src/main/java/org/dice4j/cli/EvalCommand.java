package org.dice4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dice4j eval}: every prediction file of a folder against the reference file of the same name in another
 * folder, one case per file ({@code .npy}, {@code .nii}, {@code .nii.gz}). Without a labelling, the library's metric
 * per (file, image, class) (MONAI's conventions; {@link EvalCsv}, {@link EvalSummary}); with {@code --labels} or
 * {@code --dataset-json}, nnU-Net's counts per label or region, and with {@code --summary} its summary.json
 * ({@link NnUnetSummary}). Files are scored in parallel ({@code --threads}); every output lists them in code-point
 * order of their names, whatever the thread count. A file without a partner and a pair that cannot be scored are each
 * one line of stderr; the others go on, and the exit code is 2 at the end.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Hard Dice and IoU of every prediction (.npy, .nii, .nii.gz) in a folder against the same-named"
                + " reference, one case per file (docs/evaluation.md).",
            "A prediction without a reference, a reference without a prediction and a pair that cannot be read are"
                    + " each reported on one line of stderr and make the exit code 2; the other pairs are scored.",
            "Without --labels or --dataset-json: the library's metric per (file, image, class), empty references NaN"
                    + " (MONAI's convention); the summary per class is the mean over the images with a value, the mean"
                    + " row the mean over images of each image's mean over its classes.",
            "With --labels or --dataset-json: nnU-Net's counts per label or region (Dice NaN only when prediction and"
                    + " reference are both empty), and --summary writes nnU-Net's summary.json."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pred-dir", required = true, paramLabel = "DIR", description = "Folder of predictions.")
    Path predictionFolder;

    @Option(names = {"--target-dir", "--ref-dir"}, required = true, paramLabel = "DIR",
            description = "Folder of references (targets), matched to the predictions by file name.")
    Path targetFolder;

    @Mixin
    MetricOptions options;

    @Option(names = "--labels", split = ",", paramLabel = "L", description = "Labels to score per case, nnU-Net's"
            + " way (e.g. 1,2,3). Default: none (the library's classes).")
    List<Long> labels;

    @Option(names = "--dataset-json", paramLabel = "dataset.json", description = "nnU-Net's dataset.json: its labels"
            + " or regions, ignore label and file_ending. Default: none.")
    Path datasetJson;

    @Option(names = "--summary", paramLabel = "summary.json", description = "Write nnU-Net's summary.json (needs"
            + " --labels or --dataset-json). Default: none.")
    Path summaryPath;

    @Option(names = "--out", paramLabel = "results.csv",
            description = "CSV (RFC 4180, CRLF), one row per (file, image, class), or per (file, label) with --labels"
                    + " or --dataset-json; a file name starting with =, +, -, @, tab or CR gets a leading '. Default:"
                    + " no CSV.")
    Path csvPath;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Cases scored at once (one case per thread in memory). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--strict", description = "A spacing or affine that differs from the reference's by more than"
            + " 1e-4 fails the case instead of a warning. Default: off.")
    boolean strict;

    @Option(names = "--json", description = "The summary as one JSON object on stdout (docs/cli.md). Default: a table.")
    boolean json;

    @Override
    public Integer call() {
        OptionChecks.atLeastOne("--threads", threads);
        OptionChecks.once(spec, "--labels");
        Labelling labelling = labelling();
        // Every (image, class) value, for the CSV; the summary reduces them itself.
        DiceMetric metric = labelling != null ? null
                : options.build().toBuilder().reduction(MetricReduction.NONE).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalSummary summary = new EvalSummary(labelling);
        String ending = labelling == null ? null : labelling.fileEnding();
        Set<String> predictions = inputNames(predictionFolder, "--pred-dir", ending, summary, err);
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("--pred-dir: no predictions (" + endings(ending) + ") in " + predictionFolder);
        }
        Set<String> targets = inputNames(targetFolder, "--target-dir", ending, summary, err);
        Map<Path, String> inputs = inputs(predictions, targets);
        if (csvPath != null) {
            OutputFile.check("--out", csvPath, inputs);
        }
        if (summaryPath != null) {
            OutputFile.check("--summary", summaryPath, inputs);
        }
        TreeSet<String> names = new TreeSet<>(PythonJson::compareCodePoints);
        names.addAll(predictions);
        names.addAll(targets);
        EvalCase scorer = new EvalCase(predictionFolder, targetFolder, options, metric, labelling, strict);
        List<EvalCase.Outcome> outcomes = new EvalRun(threads, progress(), err).run(List.copyOf(names),
                name -> scorer.score(name, predictions.contains(name), targets.contains(name)));
        return report(outcomes, summary, labelling, out);
    }

    private int report(List<EvalCase.Outcome> outcomes, EvalSummary summary, Labelling labelling, PrintWriter out) {
        EvalCsv csv = new EvalCsv(labelling);
        List<NnUnetSummary.Case> cases = new ArrayList<>();
        for (EvalCase.Outcome outcome : outcomes) {
            if (!outcome.scored()) {
                summary.fail(predictionFolder.resolve(outcome.name()).toString(), outcome.failure());
            } else if (outcome.metric() != null) {
                csv.add(outcome.name(), outcome.metric());
                summary.add(outcome.metric());
            } else {
                csv.add(outcome.name(), labelling, outcome.counts());
                summary.add(outcome.counts());
                cases.add(outcome.counts());
            }
        }
        if (csvPath != null) {
            OutputFile.write(csvPath, csv.text().getBytes(StandardCharsets.UTF_8));
        }
        if (summaryPath != null) {
            OutputFile.write(summaryPath, NnUnetSummary.json(labelling.regions(), cases)
                    .getBytes(StandardCharsets.UTF_8));
        }
        JsonOption.print(json, out, summary::json, summary::print);
        return summary.failed() == 0 ? 0 : Main.BAD_INPUT;
    }

    /** The labelling of --labels or --dataset-json, or null for the library's classes. */
    private Labelling labelling() {
        OptionChecks.notTogether(spec, "--labels", "--dataset-json");
        if (labels == null && datasetJson == null) {
            if (summaryPath != null) {
                throw new IllegalArgumentException("--summary: needs the labels to score: --labels 1,2,3 or"
                        + " --dataset-json dataset.json");
            }
            return null;
        }
        Long ignoreIndex = options.selection.ignoreIndex;
        Labelling labelling = labels != null ? Labelling.ofLabels(labels, ignoreIndex)
                : Labelling.ofDatasetJson(datasetJson);
        if (ignoreIndex != null && labelling.ignore() != null && !ignoreIndex.equals(labelling.ignore())) {
            throw new IllegalArgumentException("--ignore-index: " + ignoreIndex + " differs from the ignore label "
                    + labelling.ignore() + " of " + datasetJson);
        }
        return labelling.ignore() == null && ignoreIndex != null
                ? new Labelling(labelling.regions(), ignoreIndex, labelling.fileEnding()) : labelling;
    }

    /** Only when stderr is a terminal, never into a log file or a pipe. */
    private static boolean progress() {
        return Terminal.stderrIsTerminal();
    }

    /** Every input file, with what names it in a message. */
    private Map<Path, String> inputs(Set<String> predictions, Set<String> targets) {
        Map<Path, String> inputs = new LinkedHashMap<>();
        predictions.forEach(name -> inputs.put(predictionFolder.resolve(name), "the prediction"));
        targets.forEach(name -> inputs.put(targetFolder.resolve(name), "the target"));
        return inputs;
    }

    private static String endings(String ending) {
        return ending != null ? ending : ".npy, .nii, .nii.gz";
    }

    /** The names of the folder's inputs; every other entry is reported as skipped. */
    private static Set<String> inputNames(Path folder, String option, String ending, EvalSummary summary,
            PrintWriter err) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder + " is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            Set<String> names = new java.util.HashSet<>();
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                boolean input = ending != null ? name.endsWith(ending) && CaseFile.supported(name) : CaseFile.supported(name);
                if (input && !Files.isDirectory(file)) {
                    names.add(name);
                } else {
                    summary.skip(file.toString());
                    err.println("dice4j: skipped " + Main.oneLine(file.toString()) + ": not an input ("
                            + endings(ending) + ")");
                }
            }
            return names;
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot list " + folder + ": " + IoErrors.describe(e));
        }
    }

    /** "[=====     ] 12/40 3.1 files/s, ETA 9 s name": files done, their rate, the time left at that rate. */
    static String progressBar(int done, int total, String name, double elapsedSeconds) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        String shown = Main.oneLine(name);
        double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
        String eta = rate > 0 ? String.format(Locale.ROOT, "ETA %.0f s", (total - done) / rate) : "ETA -";
        return String.format(Locale.ROOT, "\r[%s%s] %d/%d %.1f files/s, %s %s", "=".repeat(filled),
                " ".repeat(width - filled), done, total, rate, eta, shown.length() > 20 ? shown.substring(0, 20) : shown);
    }
}
