package org.dice4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 * in another folder. One CSV row per (file, image, class), a summary per class; a pair that cannot be scored is
 * reported on stderr and the others go on, with exit code 2 at the end.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Hard Dice and IoU of every .npy prediction in a folder against the same-named target.")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pred-dir", required = true, paramLabel = "DIR", description = "Folder of prediction .npy files.")
    Path predictionFolder;

    @Option(names = "--target-dir", required = true, paramLabel = "DIR", description = "Folder of target .npy files.")
    Path targetFolder;

    @Mixin
    MetricOptions options;

    @Option(names = "--out", paramLabel = "results.csv", description = "CSV, one row per (file, image, class).")
    Path csvPath;

    @Override
    public Integer call() {
        DiceMetric metric = options.build().toBuilder().reduction(MetricReduction.NONE).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> predictions = listNpy(predictionFolder, "--pred-dir");
        if (!Files.isDirectory(targetFolder)) {
            throw new IllegalArgumentException("--target-dir: " + targetFolder + " is not a folder");
        }
        boolean progress = System.console() != null;
        StringBuilder csv = new StringBuilder("file,image,class,dice,iou,intersection,predicted,target\n");
        List<double[]> diceRows = new ArrayList<>();
        List<double[]> iouRows = new ArrayList<>();
        int firstClass = 0;
        int failures = 0;
        for (int index = 0; index < predictions.size(); index++) {
            Path prediction = predictions.get(index);
            String name = prediction.getFileName().toString();
            if (progress) {
                err.print(progressBar(index, predictions.size(), name));
                err.flush();
            }
            Path target = targetFolder.resolve(name);
            try (Arena arena = Arena.ofConfined()) {
                if (!Files.exists(target)) {
                    throw new IllegalArgumentException(target + ": no target file for prediction " + prediction);
                }
                MetricResult result;
                try {
                    result = metric.compute(NpyFile.map(prediction, arena).tensor(), NpyFile.map(target, arena).tensor());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(MetricOptions.locate(e.getMessage(), prediction, target), e);
                }
                firstClass = result.firstClass();
                appendRows(csv, name, result);
                diceRows.addAll(List.of(result.dice()));
                iouRows.addAll(List.of(result.iou()));
            } catch (IllegalArgumentException e) {
                failures++;
                err.println((progress ? "\r" : "") + "dice4j: " + e.getMessage());
            }
        }
        if (progress) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
        if (csvPath != null) {
            writeAtomically(csvPath, csv.toString());
        }
        summary(out, diceRows, iouRows, firstClass, predictions.size() - failures, failures);
        out.flush();
        return failures == 0 ? 0 : Main.BAD_INPUT;
    }

    private static List<Path> listNpy(Path folder, String option) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder + " is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".npy")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static String progressBar(int done, int total, String name) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        return String.format(Locale.ROOT, "\r[%s%s] %d/%d %s", "=".repeat(filled), " ".repeat(width - filled), done,
                total, name.length() > 20 ? name.substring(0, 20) : name);
    }

    private static void appendRows(StringBuilder csv, String name, MetricResult result) {
        double[][] dice = result.dice();
        double[][] iou = result.iou();
        long[][] intersection = result.intersection();
        long[][] predicted = result.predicted();
        long[][] target = result.target();
        String file = name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
        for (int n = 0; n < dice.length; n++) {
            for (int column = 0; column < dice[n].length; column++) {
                csv.append(file).append(',').append(n).append(',').append(column + result.firstClass()).append(',')
                        .append(csvNumber(dice[n][column])).append(',').append(csvNumber(iou[n][column])).append(',')
                        .append(intersection[n][column]).append(',').append(predicted[n][column]).append(',')
                        .append(target[n][column]).append('\n');
            }
        }
    }

    private static String csvNumber(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }

    /** Per class, the mean over every scored image of the non-NaN values; then the mean of the per-image means. */
    private static void summary(PrintWriter out, List<double[]> diceRows, List<double[]> iouRows, int firstClass,
            int scored, int failures) {
        int columns = diceRows.isEmpty() ? 0 : diceRows.get(0).length;
        out.printf(Locale.ROOT, "%d file(s) scored, %d failed%n", scored, failures);
        out.printf(Locale.ROOT, "%-6s %10s %10s %8s%n", "class", "dice", "iou", "images");
        for (int column = 0; column < columns; column++) {
            double[] dice = column(diceRows, column);
            out.printf(Locale.ROOT, "%-6d %10.6f %10.6f %8d%n", column + firstClass, nanMean(dice),
                    nanMean(column(iouRows, column)), java.util.Arrays.stream(dice).filter(v -> !Double.isNaN(v)).count());
        }
        double[] perImageDice = diceRows.stream().mapToDouble(EvalCommand::nanMean).toArray();
        double[] perImageIou = iouRows.stream().mapToDouble(EvalCommand::nanMean).toArray();
        out.printf(Locale.ROOT, "%-6s %10.6f %10.6f %8d%n", "mean", nanMean(perImageDice), nanMean(perImageIou),
                java.util.Arrays.stream(perImageDice).filter(v -> !Double.isNaN(v)).count());
    }

    private static double[] column(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(row -> column < row.length ? row[column] : Double.NaN).toArray();
    }

    private static double nanMean(double[] values) {
        return java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    /** Writes {@code text} (UTF-8) to {@code path} whole or not at all, through {@link OutputFile}. */
    static void writeAtomically(Path path, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        OutputFile.write(path, channel -> {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }
}
