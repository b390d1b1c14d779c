package org.dice4j.jmh;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.dice4j.DType;

/**
 * Turns JMH JSON results ({@code -rf json -rff FILE}) of these benchmarks into the Markdown tables of
 * {@code docs/benchmarks.md}: time per call, elements/s, bytes read/s, allocation per call, and the ratios between
 * benchmarks of the same run with the acceptance thresholds. Results of the same benchmark and parameters in several
 * files (rounds of one fork each) are pooled. Allocation is the mean over iterations of JMH's
 * {@code gc.alloc.rate.norm}.
 *
 * <pre>java -cp jmh/target/benchmarks.jar org.dice4j.jmh.Report results.json [more.json …]</pre>
 */
public final class Report {
    private static final String GC_NORM = "gc.alloc.rate.norm";
    private static final String STATISTICS_VECTOR = "StatisticsBenchmark.vector";
    private static final String STATISTICS_SCALAR = "StatisticsBenchmark.scalar";
    private static final String FORWARD = "ForwardBenchmark.forward";
    private static final String LOSS_VALUE = "ForwardBenchmark.lossValue";
    private static final String FORWARD_BACKWARD = "ForwardBackwardBenchmark.vector";
    private static final String FORWARD_BACKWARD_SCALAR = "ForwardBackwardBenchmark.scalar";
    private static final String EXP_ONLY = "RooflineBenchmark.expOnly";
    private static final String EXP_POLYNOMIAL = "RooflineBenchmark.expPolynomialOnly";
    private static final String READ_ONLY = "RooflineBenchmark.readOnly";

    /**
     * One benchmark × parameters: mean µs per call and its 99.9% half-interval, the median of the iteration means
     * (robust to an iteration slowed down by a neighbour on a shared machine), bytes allocated per call.
     */
    record Row(String benchmark, String workload, String memory, String threads, double micros, double error,
            double median, double allocated, int samples) {
        double relativeError() {
            return error / micros;
        }
    }

    /** The iterations of one benchmark × parameters, gathered over every file (several rounds of forks). */
    private record Samples(String benchmark, String workload, String memory, String threads, List<Double> micros,
            List<Double> allocated) {}

    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report results.json [more.json …]");
            System.exit(2);
        }
        List<Path> files = new ArrayList<>();
        for (String file : args) {
            files.add(Path.of(file));
        }
        System.out.print(markdown(read(files)));
    }

    /**
     * Reads every file and merges the results of the same benchmark and parameters: their iterations are pooled,
     * so that rounds of one fork each, run one after another, count as the forks of one benchmark.
     */
    static List<Row> read(List<Path> files) throws IOException {
        Map<String, Samples> merged = new LinkedHashMap<>();
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file)) {
                for (JsonElement element : JsonParser.parseReader(reader).getAsJsonArray()) {
                    JsonObject result = element.getAsJsonObject();
                    String benchmark = result.get("benchmark").getAsString().replace("org.dice4j.jmh.", "");
                    JsonObject params = result.getAsJsonObject("params");
                    JsonObject primary = result.getAsJsonObject("primaryMetric");
                    if (!primary.get("scoreUnit").getAsString().equals("us/op")) {
                        throw new IllegalArgumentException(file + ": " + benchmark + " is in "
                                + primary.get("scoreUnit").getAsString() + ", expected us/op (mode avgt)");
                    }
                    String workload = params.get("workload").getAsString();
                    String memory = params.get("memory").getAsString();
                    // The rooflines have no threads parameter: they run on one.
                    String threads = params.has("threads") ? params.get("threads").getAsString() : "1";
                    Samples samples = merged.computeIfAbsent(
                            benchmark + "\u0000" + workload + "\u0000" + memory + "\u0000" + threads,
                            k -> new Samples(benchmark, workload, memory, threads, new ArrayList<>(), new ArrayList<>()));
                    samples.micros().addAll(iterations(primary));
                    JsonObject secondary = result.getAsJsonObject("secondaryMetrics");
                    if (secondary != null && secondary.has(GC_NORM)) {
                        samples.allocated().addAll(iterations(secondary.getAsJsonObject(GC_NORM)));
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Samples samples : merged.values()) {
            List<Double> micros = samples.micros();
            double mean = mean(micros);
            rows.add(new Row(samples.benchmark(), samples.workload(), samples.memory(), samples.threads(), mean,
                    halfInterval(micros),
                    median(micros), samples.allocated().isEmpty() ? Double.NaN : mean(samples.allocated()),
                    micros.size()));
        }
        return rows;
    }

    private static List<Double> iterations(JsonObject metric) {
        List<Double> values = new ArrayList<>();
        for (JsonElement fork : metric.getAsJsonArray("rawData")) {
            for (JsonElement iteration : fork.getAsJsonArray()) {
                values.add(iteration.getAsDouble());
            }
        }
        return values;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** JMH's error: the half-width of the 99.9% Student-t confidence interval of the mean. */
    private static double halfInterval(List<Double> values) {
        int n = values.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double deviation = Math.sqrt(squares / (n - 1));
        return new TDistribution(n - 1).inverseCumulativeProbability(0.9995) * deviation / Math.sqrt(n);
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| benchmark | workload | memory | threads | µs/call, mean ± 99.9% CI | median | iterations"
                + " | G elements/s (mean) | GB/s read (mean) | B/call allocated |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            Workload workload = Workload.of(row.workload());
            double seconds = row.micros() * 1e-6;
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %.3f | %.1f | %s |%n",
                    row.benchmark(), row.workload(), row.memory(), row.threads(), withError(row.micros(), row.error()),
                    format(row.median()),
                    row.samples(), workload.elements() / seconds / 1e9,
                    bytesRead(row.benchmark(), workload) / seconds / 1e9,
                    Double.isNaN(row.allocated()) ? "–" : String.format(Locale.ROOT, "%.1f", row.allocated())));
        }
        md.append('\n');
        md.append("| workload | memory | ratio (throughput) | of means ± error | of medians | acceptance |\n");
        md.append("|---|---|---|---:|---:|---|\n");
        Map<String, Map<String, Row>> byParams = new LinkedHashMap<>();
        for (Row row : rows) {
            // Ratios are single-thread figures (the rooflines run on one thread).
            if (row.threads().equals("1")) {
                byParams.computeIfAbsent(row.workload() + "\u0000" + row.memory(), k -> new LinkedHashMap<>())
                        .put(row.benchmark(), row);
            }
        }
        for (Map<String, Row> group : byParams.values()) {
            apiRatios(md, group);
            Row vector = group.get(STATISTICS_VECTOR);
            if (vector == null) {
                continue;
            }
            Workload workload = Workload.of(vector.workload());
            // The acceptance thresholds apply to the default workloads; the diagnostic ones only get their ratios.
            boolean accepted = workload == Workload.SIGMOID_DENSE || workload == Workload.SIGMOID_DENSE_ODD
                    || workload == Workload.SOFTMAX_LABELS;
            ratio(md, vector, group.get(STATISTICS_SCALAR), "fused vs scalar reference",
                    workload == Workload.SOFTMAX_LABELS ? 10.0 : Double.NaN);
            ratio(md, vector, group.get(EXP_ONLY), "fused vs exp-only roofline", accepted ? 0.5 : Double.NaN);
            ratio(md, vector, group.get(EXP_POLYNOMIAL), "fused vs polynomial-exp-only roofline", Double.NaN);
            ratio(md, vector, group.get(READ_ONLY), "fused vs read-only roofline", Double.NaN);
            Row forward = group.get(FORWARD);
            if (forward != null) {
                ratio(md, forward, vector, "forward() vs kernel-level pass", Double.NaN);
            }
            Row lossValue = group.get(LOSS_VALUE);
            if (lossValue != null) {
                ratio(md, lossValue, vector, "lossValue() vs kernel-level pass", Double.NaN);
            }
        }
        return md.toString();
    }

    /**
     * The public API's ratios, from {@code lossValue} and {@code lossValueAndGradient}: against the exp-only roofline
     * (issue 10's targets on the 3-D and the 2-D binary shapes) and forward+backward's cost over the forward's.
     */
    private static void apiRatios(StringBuilder md, Map<String, Row> group) {
        Row forward = group.get(LOSS_VALUE);
        Row backward = group.get(FORWARD_BACKWARD);
        Row roofline = group.get(EXP_ONLY);
        if (forward == null && backward == null) {
            return;
        }
        Workload workload = Workload.of((forward != null ? forward : backward).workload());
        boolean targeted = workload == Workload.SIGMOID_DENSE || workload == Workload.SOFTMAX_LABELS;
        if (forward != null) {
            ratio(md, forward, roofline, "lossValue vs exp-only roofline", targeted ? 0.7 : Double.NaN);
            ratio(md, forward, group.get(READ_ONLY), "lossValue vs read-only roofline", Double.NaN);
        }
        if (backward != null) {
            ratio(md, backward, roofline, "forward+backward vs exp-only roofline", targeted ? 0.45 : Double.NaN);
            ratio(md, backward, group.get(FORWARD_BACKWARD_SCALAR), "forward+backward vs scalar reference",
                    Double.NaN);
        }
        if (forward != null && backward != null) {
            // Time of forward+backward over time of the forward: a cost, not a speed-up.
            ratio(md, forward, backward, "forward+backward time / lossValue time", Double.NaN);
        }
    }

    /** Throughput of {@code fast} over that of {@code slow} (= slow's time / fast's time), with its error. */
    private static void ratio(StringBuilder md, Row fast, Row slow, String name, double threshold) {
        if (slow == null) {
            return;
        }
        double value = slow.micros() / fast.micros();
        double error = Double.isNaN(fast.error()) || Double.isNaN(slow.error())
                ? Double.NaN : value * Math.hypot(fast.relativeError(), slow.relativeError());
        double ofMedians = slow.median() / fast.median();
        String verdict = "";
        if (!Double.isNaN(threshold)) {
            boolean met = value >= threshold && ofMedians >= threshold;
            boolean missed = value < threshold && ofMedians < threshold;
            verdict = String.format(Locale.ROOT, "≥ %s: %s", format(threshold),
                    met ? "met" : missed ? "**missed**" : "borderline (mean and median disagree)");
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s× | %s× | %s |%n", fast.workload(), fast.memory(),
                name, withError(value, error), format(ofMedians), verdict));
    }

    /** Bytes the benchmark reads per call: logits, plus the target for everything but the exp-only roofline. */
    static long bytesRead(String benchmark, Workload workload) {
        long logits = workload.elements() * Float.BYTES;
        if (benchmark.equals(EXP_ONLY) || benchmark.equals(EXP_POLYNOMIAL)) {
            return logits;
        }
        long labels = workload.elements() / workload.shape()[1];
        return logits + (workload.targetType() == DType.FLOAT32 ? logits : labels * workload.targetType().byteSize());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String withError(double value, double error) {
        return Double.isNaN(error) ? format(value) : format(value) + " ± " + format(error);
    }

    private static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
