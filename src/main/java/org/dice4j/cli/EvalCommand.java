package org.dice4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dice4j.DiceMetric;
import org.dice4j.MetricReduction;
import org.dice4j.MetricResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dice4j eval}: the hard metric of every prediction file of a folder against the target file of the same name
 * in another folder. One CSV row per (file, image, class) ({@link EvalCsv}), a summary per class and overall
 * ({@link EvalSummary}: a class's mean is over the images that have it, the overall mean is the mean over images of
 * each image's mean over its classes). A file with no same-named partner on the other side, and a pair that cannot
 * be scored, are each reported on one line of stderr; the others go on, and the exit code is 2 at the end. A
 * prediction folder without any {@code .npy} file is an error.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Hard Dice and IoU of every .npy prediction in a folder against the same-named target.",
            "A prediction without a target, a target without a prediction and a pair that cannot be read are each"
                    + " reported on one line of stderr and make the exit code 2; the other pairs are scored. A"
                    + " prediction folder without any .npy file is an error.",
            "Summary: per class, the mean over the images that have a value for that class (an empty target, or a"
                    + " class the file does not have, is no value); mean: per image, the mean over its classes with a"
                    + " value, then the mean over those images (as --reduction mean of `metric`)."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pred-dir", required = true, paramLabel = "DIR", description = "Folder of prediction .npy files.")
    Path predictionFolder;

    @Option(names = "--target-dir", required = true, paramLabel = "DIR", description = "Folder of target .npy files.")
    Path targetFolder;

    @Mixin
    MetricOptions options;

    @Option(names = "--out", paramLabel = "results.csv",
            description = "CSV (RFC 4180, CRLF), one row per (file, image, class); a file name starting with =, +, -,"
                    + " @, tab or CR gets a leading ' so that spreadsheets do not run it. Default: no CSV.")
    Path csvPath;

    @Option(names = "--json", description = "The summary as one JSON object on stdout (docs/cli.md). Default: a table.")
    boolean json;

    @Override
    public Integer call() {
        // Every (image, class) value, for the CSV; the summary reduces them itself.
        DiceMetric metric = options.build().toBuilder().reduction(MetricReduction.NONE).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalSummary summary = new EvalSummary();
        Set<String> predictions = npyNames(predictionFolder, "--pred-dir", summary, err);
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("--pred-dir: no .npy predictions in " + predictionFolder);
        }
        Set<String> targets = npyNames(targetFolder, "--target-dir", summary, err);
        if (csvPath != null) {
            OutputFile.check("--out", csvPath, inputs(predictions, targets));
        }
        SortedSet<String> names = new TreeSet<>(predictions);
        names.addAll(targets);
        // Only on a terminal (Console.isTerminal: stdin and stdout), never into a log file or a pipe.
        boolean progress = System.console() != null && System.console().isTerminal();
        long started = System.nanoTime();
        EvalCsv csv = new EvalCsv();
        int done = 0;
        for (String name : names) {
            if (progress) {
                err.print(progressBar(done, names.size(), name, (System.nanoTime() - started) / 1e9));
                err.flush();
            }
            try {
                MetricResult result = score(metric, name, predictions.contains(name), targets.contains(name));
                csv.add(name, result);
                summary.add(result);
            } catch (IllegalArgumentException e) {
                summary.fail(predictionFolder.resolve(name).toString(), e.getMessage());
                err.println((progress ? "\r" : "") + "dice4j: " + Main.oneLine(e.getMessage()));
            }
            done++;
        }
        if (progress) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
        if (csvPath != null) {
            OutputFile.write(csvPath, csv.text().getBytes(StandardCharsets.UTF_8));
        }
        JsonOption.print(json, out, summary::json, summary::print);
        return summary.failed() == 0 ? 0 : Main.BAD_INPUT;
    }

    /** The pair of {@code name}, scored; an unmatched file (on either side) or an unreadable pair is refused. */
    private MetricResult score(DiceMetric metric, String name, boolean hasPrediction, boolean hasTarget) {
        Path prediction = predictionFolder.resolve(name);
        Path target = targetFolder.resolve(name);
        if (!hasTarget) {
            throw new IllegalArgumentException(prediction + ": no target for this prediction");
        }
        if (!hasPrediction) {
            throw new IllegalArgumentException(target + ": no prediction for this target");
        }
        try (Arena arena = Arena.ofConfined()) {
            NpyFile predictionFile = NpyFile.read(prediction, arena);
            NpyFile targetFile = NpyFile.read(target, arena);
            options.check(predictionFile, targetFile);
            return metric.compute(predictionFile.tensor(), targetFile.tensor());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LibraryMessages.locate(e, "prediction", prediction, target), e);
        }
    }

    /** Every input file, with what names it in a message. */
    private Map<Path, String> inputs(Set<String> predictions, Set<String> targets) {
        Map<Path, String> inputs = new LinkedHashMap<>();
        predictions.forEach(name -> inputs.put(predictionFolder.resolve(name), "the prediction"));
        targets.forEach(name -> inputs.put(targetFolder.resolve(name), "the target"));
        return inputs;
    }

    /** The names of the folder's {@code .npy} entries; every other entry is reported as skipped. */
    private static Set<String> npyNames(Path folder, String option, EvalSummary summary, PrintWriter err) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder + " is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            Set<String> names = new java.util.HashSet<>();
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".npy")) {
                    names.add(name);
                } else {
                    summary.skip(file.toString());
                    err.println("dice4j: skipped " + Main.oneLine(file.toString()) + ": not an .npy file");
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
