package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dice4j.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reader against files nibabel wrote (src/test/resources/org/dice4j/cli/nifti/make_fixtures.py): every datatype,
 * both versions and byte orders, .nii and .nii.gz, an extension, the qform only, scaled scores; the dims, values,
 * spacing and affine nibabel reads from each are in reader/expected.json.
 */
class NiftiFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/org/dice4j/cli/nifti");
    private static final Path READER = FIXTURES.resolve("reader");

    @TestFactory
    List<DynamicTest> everyFixtureReadsAsNibabelReadsIt() throws IOException {
        JsonObject expected = JsonParser.parseString(Files.readString(READER.resolve("expected.json"))).getAsJsonObject();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, com.google.gson.JsonElement> entry : expected.entrySet()) {
            if (!entry.getKey().startsWith("scaled_labels")) {
                tests.add(DynamicTest.dynamicTest(entry.getKey(),
                        () -> check(READER.resolve(entry.getKey()), entry.getValue().getAsJsonObject())));
            }
        }
        return tests;
    }

    private static void check(Path file, JsonObject expected) {
        try (Arena arena = Arena.ofConfined()) {
            NiftiFile read = NiftiFile.read(file, arena);
            NiftiHeader header = read.header();
            assertEquals(expected.get("version").getAsInt(), header.version());
            assertEquals(expected.get("big_endian").getAsBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
                    header.order());
            assertArrayEquals(longs(expected, "dims"), header.dims());
            assertEquals(expected.get("datatype").getAsString(), header.datatype().toString());
            assertArrayEquals(doubles(expected, "spacing"), header.spacing(), 1e-6);
            assertArrayEquals(doubles(expected, "affine"), header.affine(), 1e-5);
            double[] values = doubles(expected, "values");
            boolean labels = header.datatype().isInteger() && !expected.get("scaled").getAsBoolean();
            Tensor tensor = labels ? NiftiVoxels.labels(read, arena) : NiftiVoxels.scores(read, arena);
            for (int i = 0; i < values.length; i++) {
                double actual = labels ? NiftiRoundTripTest.label(tensor, i)
                        : tensor.segment().getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertEquals(labels ? values[i] : (float) values[i], actual, "voxel " + i + " of " + file);
            }
        }
    }

    @Test
    void aLabelMapWhoseScalingChangesItsLabelsIsRefusedAndAnIdentityScalingIsNot() {
        try (Arena arena = Arena.ofConfined()) {
            NiftiFile changed = NiftiFile.read(READER.resolve("scaled_labels_v1.nii"), arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NiftiVoxels.labels(changed, arena));
            assertTrue(e.getMessage().startsWith(READER.resolve("scaled_labels_v1.nii") + ": scl_slope 2.0"), e.getMessage());
            assertTrue(e.getMessage().contains("would change its label"), e.getMessage());
            NiftiFile identity = NiftiFile.read(READER.resolve("unit_scaled_labels_v1.nii"), arena);
            assertEquals(60, NiftiVoxels.labels(identity, arena).elementCount());
        }
    }

    private static long[] longs(JsonObject object, String key) {
        return object.getAsJsonArray(key).asList().stream().mapToLong(e -> e.getAsLong()).toArray();
    }

    private static double[] doubles(JsonObject object, String key) {
        return object.getAsJsonArray(key).asList().stream().mapToDouble(e -> e.getAsDouble()).toArray();
    }
}
