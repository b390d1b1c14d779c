package org.dice4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dice4j.testing.Problems.IgnoreMode;
import org.dice4j.testing.Problems.LogitScale;
import org.dice4j.testing.Problems.Problem;
import org.dice4j.testing.Problems.TargetKind;

/**
 * The recorded bits: the cases (each problem's structure and a hash of its inputs), then one section of
 * {@link GoldenRecords} lines per kernel family ({@code scalar}, {@code vector-<bits>}). Text, so that a re-recording
 * shows in a diff which case and which number moved.
 */
record GoldenFile(List<RecordedCase> cases, Map<String, List<String>> families) {

    /** A problem as recorded, with whether it also runs channels-last and the hash of its inputs. */
    record RecordedCase(int id, Problem problem, boolean channelsLast, long inputHash) {
        String line() {
            return "case " + id + " shape=" + String.join("x", Arrays.stream(problem.shape()).mapToObj(Long::toString)
                    .toList()) + " activation=" + problem.activation() + " kind=" + problem.kind() + " ignore="
                    + problem.ignore() + " offHeap=" + problem.offHeap() + " seed=" + problem.seed() + " scale="
                    + problem.scale() + " channelsLast=" + channelsLast + " input=" + Long.toHexString(inputHash);
        }

        static RecordedCase parse(String line) {
            Map<String, String> fields = new LinkedHashMap<>();
            String[] words = line.split(" ");
            for (int i = 2; i < words.length; i++) {
                String[] pair = words[i].split("=", 2);
                fields.put(pair[0], pair[1]);
            }
            long[] shape = Arrays.stream(fields.get("shape").split("x")).mapToLong(Long::parseLong).toArray();
            Problem problem = new Problem(shape, Activation.valueOf(fields.get("activation")),
                    TargetKind.valueOf(fields.get("kind")), IgnoreMode.valueOf(fields.get("ignore")),
                    Boolean.parseBoolean(fields.get("offHeap")), Long.parseLong(fields.get("seed")),
                    LogitScale.valueOf(fields.get("scale")));
            return new RecordedCase(Integer.parseInt(words[1]), problem,
                    Boolean.parseBoolean(fields.get("channelsLast")), Long.parseUnsignedLong(fields.get("input"), 16));
        }
    }

    static GoldenFile parse(List<String> lines) {
        List<RecordedCase> cases = new ArrayList<>();
        Map<String, List<String>> families = new LinkedHashMap<>();
        List<String> section = null;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("case ")) {
                cases.add(RecordedCase.parse(line));
            } else if (line.startsWith("family ")) {
                section = new ArrayList<>();
                families.put(line.substring("family ".length()), section);
            } else if (section == null) {
                throw new IllegalArgumentException("golden bits: expected 'case' or 'family' before '" + line + "'");
            } else {
                section.add(line);
            }
        }
        return new GoldenFile(cases, families);
    }

    static GoldenFile read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(Path file, String header) {
        List<String> lines = new ArrayList<>(header.lines().map(l -> "# " + l).toList());
        cases.forEach(c -> lines.add(c.line()));
        families.forEach((family, records) -> {
            lines.add("family " + family);
            lines.addAll(records);
        });
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
