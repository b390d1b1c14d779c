package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dice4j.GoldenFile.RecordedCase;
import org.dice4j.internal.KernelProvider;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.IgnoreMode;
import org.dice4j.testing.Problems.Instance;
import org.dice4j.testing.Problems.LogitScale;
import org.dice4j.testing.Problems.Problem;
import org.dice4j.testing.Problems.TargetKind;
import org.junit.jupiter.api.Test;

/**
 * Refactors that only move code keep every bit: loss, terms, statistics, gradient (hashed) and metric counts and
 * values of a fixed, seeded list of {@link Problems} cases under ten loss configurations, against the bits recorded
 * from the code in {@code src/test/resources/golden/bits.txt}, one section per kernel family: the scalar kernels, and
 * the vector kernels per vector width ({@code vector-512}, {@code vector-256}), whose summation order differs. A JVM
 * whose family was not recorded skips, saying so. Re-record only when bits change on purpose, with both surefire
 * executions: {@code mvn -B test -Dtest=GoldenBitsTest -Ddice4j.golden.record=true}, and for a narrower vector section
 * the same with {@code -Ddice4j.vectorBitSize=256}; it rewrites the file in the source tree, keeping the other
 * families' sections while the cases stay the same.
 */
class GoldenBitsTest {
    private static final String RESOURCE = "/golden/bits.txt";
    private static final Path SOURCE = Path.of("src", "test", "resources", "golden", "bits.txt");
    private static final boolean RECORD = Boolean.getBoolean("dice4j.golden.record");
    private static final long CASE_SEED = 0x601d_b175L;
    private static final int CASES = 200;
    /** Every how many cases one also runs on channels-last copies of its tensors. */
    private static final int CHANNELS_LAST_EVERY = 5;
    private static final int MISMATCHES_SHOWN = 8;

    /** {@code scalar}, or {@code vector-<bits>}: the width is read from the kernels' description the provider logs. */
    static String family() {
        String name = KernelProvider.get().name();
        if (!name.equals("vector")) {
            return name;
        }
        Matcher bits = Pattern.compile("\\((\\d+) bits\\)").matcher(KernelProvider.get().toString());
        assertTrue(bits.find(), "no vector width in '" + KernelProvider.get() + "'");
        return "vector-" + bits.group(1);
    }

    /** The cases as the generators draw them from the fixed seed (recording only: the test reads the file's). */
    private static List<RecordedCase> drawCases() {
        List<Problem> problems = new ArrayList<>();
        qt().withFixedSeed(CASE_SEED).withExamples(CASES).forAll(Problems.problems()).checkAssert(problems::add);
        List<RecordedCase> cases = new ArrayList<>();
        for (int id = 0; id < problems.size(); id++) {
            Problem problem = problems.get(id);
            cases.add(new RecordedCase(id, problem, id % CHANNELS_LAST_EVERY == 0,
                    GoldenRecords.inputHash(problem.instance())));
        }
        return cases;
    }

    /** The records of every case, after checking that each case still draws the inputs it was recorded on. */
    private static List<String> run(List<RecordedCase> cases) {
        List<String> lines = new ArrayList<>();
        for (RecordedCase recorded : cases) {
            Instance instance = recorded.problem().instance();
            assertEquals(Long.toHexString(recorded.inputHash()), Long.toHexString(GoldenRecords.inputHash(instance)),
                    "the inputs of case " + recorded.id() + " changed (Problems.instance draws other data), so the"
                            + " recorded bits say nothing: " + recorded.problem());
            lines.addAll(GoldenRecords.of(recorded.id(), instance, recorded.channelsLast()));
        }
        return lines;
    }

    private static GoldenFile recorded() {
        try (InputStream in = GoldenBitsTest.class.getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, "missing test resource " + RESOURCE + ": record it (see the class comment)");
            return GoldenFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes this family's section; other families survive only if they were recorded on the same cases. */
    private static void record() {
        List<RecordedCase> cases = drawCases();
        GoldenFile old = SOURCE.toFile().exists() ? GoldenFile.read(SOURCE) : null;
        Map<String, List<String>> families = new LinkedHashMap<>();
        if (old != null && old.cases().stream().map(RecordedCase::line).toList()
                .equals(cases.stream().map(RecordedCase::line).toList())) {
            families.putAll(old.families());
        }
        families.put(family(), run(cases));
        new GoldenFile(cases, families).write(SOURCE, "Bits of dice4j's losses and metric, checked by GoldenBitsTest."
                + "\nRe-record only when bits change on purpose: mvn -B test -Dtest=GoldenBitsTest"
                + " -Ddice4j.golden.record=true");
        System.out.println("GoldenBitsTest: recorded " + cases.size() + " cases for " + family() + " in " + SOURCE);
    }

    @Test
    void everyLossStatisticGradientAndMetricBitEqualsTheRecordedOne() {
        if (RECORD) {
            record();
            return;
        }
        GoldenFile golden = recorded();
        String family = family();
        assumeTrue(golden.families().containsKey(family), "no bits recorded for the " + family + " kernels (recorded: "
                + golden.families().keySet() + "); record them on such a JVM: mvn -B test -Dtest=GoldenBitsTest"
                + " -Ddice4j.golden.record=true");
        List<String> expected = golden.families().get(family);
        List<String> actual = run(golden.cases());
        List<String> mismatches = differences(expected, actual);
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + expected.size() + " records differ from the " + family
                    + " bits recorded (case, configuration: field expected → actual):\n"
                    + String.join("\n", mismatches.subList(0, Math.min(MISMATCHES_SHOWN, mismatches.size()))));
        }
    }

    /** One entry per differing record, naming only the fields that differ. */
    static List<String> differences(List<String> expected, List<String> actual) {
        Map<String, String> got = actual.stream().collect(Collectors.toMap(GoldenBitsTest::key, l -> l, (a, b) -> a,
                LinkedHashMap::new));
        List<String> mismatches = new ArrayList<>();
        for (String line : expected) {
            String other = got.remove(key(line));
            if (other == null) {
                mismatches.add(key(line) + ": not computed any more");
            } else if (!other.equals(line)) {
                mismatches.add(key(line) + ": " + fieldDifferences(fields(line), fields(other)));
            }
        }
        got.keySet().forEach(key -> mismatches.add(key + ": computed but not recorded"));
        return mismatches;
    }

    private static String key(String line) {
        String[] words = line.split(" ", 3);
        return words[0] + " " + words[1];
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] words = line.split(" ");
        for (int i = 2; i < words.length; i++) {
            String[] pair = words[i].split("=", 2);
            fields.put(pair[0], pair.length == 2 ? pair[1] : "");
        }
        return fields;
    }

    private static String fieldDifferences(Map<String, String> expected, Map<String, String> actual) {
        Set<String> names = new java.util.LinkedHashSet<>(expected.keySet());
        names.addAll(actual.keySet());
        return names.stream().filter(n -> !String.valueOf(expected.get(n)).equals(String.valueOf(actual.get(n))))
                .map(n -> n + " " + expected.get(n) + " → " + actual.get(n)).collect(Collectors.joining(", "));
    }

    @Test
    void theRecordedCasesCoverEveryActivationTargetKindIgnoreModeScaleAndLayout() {
        // While recording, the cases about to be written (the file on the class path is the old one).
        List<RecordedCase> cases = RECORD ? drawCases() : recorded().cases();
        List<Problem> problems = cases.stream().map(RecordedCase::problem).toList();
        assertEquals(EnumSet.allOf(Activation.class), problems.stream().map(Problem::activation)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Activation.class))));
        assertEquals(EnumSet.allOf(TargetKind.class), problems.stream().map(Problem::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(TargetKind.class))));
        assertEquals(EnumSet.allOf(IgnoreMode.class), problems.stream().map(Problem::ignore)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(IgnoreMode.class))));
        assertEquals(EnumSet.allOf(LogitScale.class), problems.stream().filter(p -> p.activation() != Activation.NONE)
                .map(Problem::scale).collect(Collectors.toCollection(() -> EnumSet.noneOf(LogitScale.class))));
        assertEquals(Set.of(true, false), problems.stream().map(Problem::offHeap).collect(Collectors.toSet()));
        assertTrue(cases.stream().anyMatch(c -> c.channelsLast() && c.problem().classes() > 1));
        // Voxel counts on both sides of the lane counts and the 64-vector block: remainders and whole blocks.
        Set<Long> remainders = problems.stream().map(p -> voxels(p) % 16).collect(Collectors.toSet());
        assertTrue(remainders.size() >= 8, "voxel counts mod 16: " + remainders);
        assertTrue(problems.stream().anyMatch(p -> voxels(p) > 1024), "no case longer than 16 blocks of 64 voxels");
        assertTrue(RECORD || recorded().families().containsKey("scalar"), "no scalar bits recorded");
    }

    private static long voxels(Problem problem) {
        long voxels = 1;
        for (int axis = 2; axis < problem.shape().length; axis++) {
            voxels *= problem.shape()[axis];
        }
        return voxels;
    }

    @Test
    void aChangedBitIsReportedWithItsCaseConfigurationAndField() {
        List<String> expected = List.of("3 dice loss=3fd0000000000000 grad=ab", "3 none terms=1");
        List<String> actual = List.of("3 dice loss=3fd0000000000001 grad=ab", "3 none terms=1");
        assertEquals(List.of("3 dice: loss 3fd0000000000000 → 3fd0000000000001"), differences(expected, actual));
        assertEquals(List.of(), differences(expected, expected));
    }
}
