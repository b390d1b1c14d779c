package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metric} on one case: NIfTI volumes, and per-case .npy arrays (scores (C, spatial…) against (spatial…)). */
class MetricNiftiTest {
    @TempDir
    Path folder;

    @Test
    void twoNiftiLabelMapsAreOneImage() {
        double[] labels = {0, 1, 1, 2, 2, 2, 0, 0};
        double[] other = {0, 1, 2, 2, 2, 0, 0, 1};
        Path prediction = NiftiWriter.of(NiftiDatatype.UINT8, 2, 2, 2).write(folder.resolve("p.nii.gz"), true, labels);
        Path target = NiftiWriter.of(NiftiDatatype.INT16, 2, 2, 2).write(folder.resolve("t.nii"), false, other);
        CliRun run = CliRun.of("metric", "--pred", prediction.toString(), "--target", target.toString(),
                "--num-classes", "3", "--reduction", "none", "--json");
        assertEquals(0, run.exitCode(), run.err());
        // class 0: {0,6,7} vs {0,5,6}: 2·2/6; class 1: {1,2} vs {1,7}: 2·1/4; class 2: {3,4,5} vs {2,3,4}: 2·2/6.
        assertTrue(run.out().contains("\"per_image_class_dice\": [[0.6666666666666666, 0.5, 0.6666666666666666]]"),
                run.out());
    }

    @Test
    void perCaseNpyScoresAgainstASpatialTargetAreOneImage() {
        // (C = 2, 3, 2) against (3, 2): C differs from the first axis, so no batched reading fits (see docs).
        float[] scores = {5, 0, 5, 0, 5, 0, 0, 5, 0, 5, 0, 5};
        byte[] labels = {0, 1, 0, 1, 0, 1};
        Path prediction = CliRun.write(folder.resolve("p.npy"), DType.FLOAT32, new long[] {2, 3, 2},
                MemorySegment.ofArray(scores));
        Path target = CliRun.write(folder.resolve("t.npy"), DType.UINT8, new long[] {3, 2}, MemorySegment.ofArray(labels));
        CliRun run = CliRun.of("metric", "--pred", prediction.toString(), "--target", target.toString(),
                "--reduction", "none", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"per_image_class_dice\": [[1.0, 1.0]]"), run.out());
    }
}
