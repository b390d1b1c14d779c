package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.dice4j.Tensor;
import org.dice4j.testing.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every volume {@link NiftiWriter} writes (either version and byte order, each datatype, 1 to 5 axes, extensions,
 * gzip or not, with or without scaling) reads back with its dims reversed into C order and its values: labels as
 * stored, scores as {@code raw × slope + intercept} in float32.
 */
class NiftiRoundTripTest {
    private static final NiftiDatatype[] TYPES = NiftiDatatype.values();

    @TempDir
    Path folder;

    @Test
    void everyWrittenVolumeReadsBack() {
        qt().withExamples(Examples.scaled(60, 200)).forAll(integers().between(0, TYPES.length - 1),
                integers().between(0, 7), integers().between(1, 5), longs().all()).checkAssert(this::roundTrip);
    }

    private void roundTrip(int type, int flags, int rank, long seed) {
        Random random = new Random(seed);
        NiftiDatatype datatype = TYPES[type];
        long[] dims = new long[rank];
        int count = 1;
        for (int axis = 0; axis < rank; axis++) {
            dims[axis] = 1 + random.nextInt(4);
            count *= (int) dims[axis];
        }
        double[] raw = new double[count];
        for (int i = 0; i < count; i++) {
            raw[i] = value(datatype, random);
        }
        boolean scaled = random.nextBoolean() && !datatype.isInteger();
        NiftiWriter writer = NiftiWriter.of(datatype, dims).version(1 + (flags & 1))
                .order((flags & 2) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .extension(random.nextBoolean() ? 0 : 1 + random.nextInt(40))
                .scaling(scaled ? 0.5 : 0, scaled ? -2 : 0);
        Path file = writer.write(folder.resolve("v" + seed + ((flags & 4) != 0 ? ".nii.gz" : ".nii")),
                (flags & 4) != 0, raw);
        try (Arena arena = Arena.ofConfined()) {
            NiftiFile read = NiftiFile.read(file, arena);
            long[] reversed = new long[rank];
            for (int axis = 0; axis < rank; axis++) {
                reversed[axis] = dims[rank - 1 - axis];
            }
            assertArrayEquals(dims, read.header().dims());
            assertArrayEquals(reversed, NiftiVoxels.shape(read.header()));
            Tensor scores = NiftiVoxels.scores(read, arena);
            for (int i = 0; i < count; i++) {
                float expected = (float) (scaled ? raw[i] * 0.5 - 2 : raw[i]);
                assertEquals(expected, scores.segment().getAtIndex(ValueLayout.JAVA_FLOAT, i), "voxel " + i);
            }
            if (datatype.isInteger()) {
                Tensor labels = NiftiVoxels.labels(read, arena);
                for (int i = 0; i < count; i++) {
                    assertEquals((long) raw[i], label(labels, i), "label of voxel " + i);
                }
            }
        } finally {
            delete(file);
        }
    }

    /** A value of the type's range (small for the wide types: the float32 comparison stays exact). */
    private static double value(NiftiDatatype datatype, Random random) {
        return switch (datatype) {
            case UINT8 -> random.nextInt(256);
            case INT8 -> random.nextInt(256) - 128;
            case INT16 -> random.nextInt(65536) - 32768;
            case UINT16 -> random.nextInt(65536);
            case INT32, INT64 -> random.nextInt(1 << 24) - (1 << 23);
            case UINT32 -> random.nextInt(1 << 24);
            case FLOAT32, FLOAT64 -> (random.nextInt(1 << 20) - (1 << 19)) / 64.0;
        };
    }

    static long label(Tensor labels, long i) {
        return switch (labels.dtype()) {
            case UINT8 -> Byte.toUnsignedInt(labels.segment().get(ValueLayout.JAVA_BYTE, i));
            case INT32 -> labels.segment().getAtIndex(ValueLayout.JAVA_INT, i);
            case INT64 -> labels.segment().getAtIndex(ValueLayout.JAVA_LONG, i);
            default -> throw new AssertionError("not a label map: " + labels);
        };
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
