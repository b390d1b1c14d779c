package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .npy} reader and writer against bytes written by hand from NumPy's format description (magic, version,
 * little-endian header length, a dict literal padded with spaces and a newline to a multiple of 64 bytes).
 */
class NpyFileTest {
    @TempDir
    Path folder;

    /** The bytes numpy.save writes for np.array([[1, 2, 3], [4, 5, 6]], dtype='<f4'), built by hand. */
    private static byte[] float32TwoByThree() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        // 10 bytes of magic, version and length, then the 60-character dict, padded to end at byte 128 (the next
        // multiple of 64 after 10 + 60 + the newline).
        int headerLength = 128 - 10;
        StringBuilder header = new StringBuilder(dict);
        while (header.length() < headerLength - 1) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer bytes = ByteBuffer.allocate(128 + 6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bytes.putShort((short) headerLength).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i <= 6; i++) {
            bytes.putFloat(i);
        }
        return bytes.array();
    }

    @Test
    void aFileWrittenByHandFromTheFormatDescriptionIsRead() throws IOException {
        Path file = Files.write(folder.resolve("a.npy"), float32TwoByThree());
        try (Arena arena = Arena.ofConfined()) {
            NpyFile npy = NpyFile.read(file, arena);
            assertEquals(DType.FLOAT32, npy.dtype());
            assertArrayEquals(new long[] {2, 3}, npy.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, npy.data().toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void aFloat64FileIsReadAsFloat32RoundedToNearest() throws IOException {
        byte[] float32 = float32TwoByThree();
        byte[] header = new String(float32, 0, 128, StandardCharsets.ISO_8859_1).replace("<f4", "<f8")
                .getBytes(StandardCharsets.ISO_8859_1);
        double[] values = {0.1, -2.5, 1e-50, 3.0000000001, 1e39, Double.NaN};
        ByteBuffer bytes = ByteBuffer.allocate(128 + 6 * 8).order(ByteOrder.LITTLE_ENDIAN).put(header);
        for (double value : values) {
            bytes.putDouble(value);
        }
        Path file = Files.write(folder.resolve("d.npy"), bytes.array());
        try (Arena arena = Arena.ofConfined()) {
            NpyFile npy = NpyFile.read(file, arena);
            assertEquals(DType.FLOAT32, npy.dtype());
            assertArrayEquals(new long[] {2, 3}, npy.shape());
            float[] expected = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                expected[i] = (float) values[i];
            }
            assertArrayEquals(expected, npy.data().toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void theWriterProducesExactlyThoseBytes() throws IOException {
        Path file = folder.resolve("b.npy");
        try (NpyFile.Output output = NpyFile.Output.create(file, DType.FLOAT32, new long[] {2, 3})) {
            for (int i = 0; i < 6; i++) {
                output.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i + 1);
            }
            output.commit();
        }
        assertArrayEquals(float32TwoByThree(), Files.readAllBytes(file));
        try (var files = Files.list(folder)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    void everyLabelTypeAndRankRoundTrips() throws IOException {
        long[][] shapes = {{5}, {2, 3}, {2, 1, 3, 4}};
        for (DType dtype : DType.values()) {
            if (dtype == DType.BFLOAT16) {
                continue; // NumPy has no bfloat16
            }
            for (long[] shape : shapes) {
                Path file = folder.resolve(dtype + "-" + shape.length + ".npy");
                long count = java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact);
                try (NpyFile.Output output = NpyFile.Output.create(file, dtype, shape)) {
                    for (long i = 0; i < count * dtype.byteSize(); i++) {
                        output.data().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
                    }
                    output.commit();
                }
                try (Arena arena = Arena.ofConfined()) {
                    NpyFile npy = NpyFile.read(file, arena);
                    assertEquals(dtype, npy.dtype());
                    assertArrayEquals(shape, npy.shape());
                    assertEquals(0, (Files.size(file) - count * dtype.byteSize()) % 64, "data starts at a multiple of 64");
                    for (long i = 0; i < count * dtype.byteSize(); i++) {
                        assertEquals((byte) (i * 7), npy.data().get(ValueLayout.JAVA_BYTE, i));
                    }
                }
            }
        }
    }

    @Test
    void versionsTwoAndThreeHaveAFourByteHeaderLength() throws IOException {
        for (int version : new int[] {2, 3}) {
            String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
            StringBuilder header = new StringBuilder(dict);
            while ((12 + header.length() + 1) % 64 != 0) {
                header.append(' ');
            }
            header.append('\n');
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
            int length = header.length();
            bytes.writeBytes(new byte[] {(byte) length, (byte) (length >>> 8), 0, 0});
            bytes.writeBytes(header.toString().getBytes(StandardCharsets.UTF_8));
            bytes.writeBytes(new byte[] {7, 8, (byte) 255});
            Path file = Files.write(folder.resolve("v" + version + ".npy"), bytes.toByteArray());
            try (Arena arena = Arena.ofConfined()) {
                NpyFile npy = NpyFile.read(file, arena);
                assertEquals(DType.UINT8, npy.dtype());
                assertArrayEquals(new byte[] {7, 8, (byte) 255}, npy.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void badFilesAreRefusedWithTheirNameAndTheProblem() throws IOException {
        byte[] good = float32TwoByThree();
        assertProblem("c.npy", java.util.Arrays.copyOf(good, good.length - 3),
                "the header's shape [2, 3] of float32 needs 24 data bytes, the file has 21 (truncated?)");
        byte[] lying = good.clone();
        lying[10 + "{'descr': '<f4', 'fortran_order': False, 'shape': (".length()] = '3';
        assertProblem("d.npy", lying, "the header's shape [3, 3] of float32 needs 36 data bytes, the file has 24 (truncated?)");
        byte[] wrongType = new String(good, StandardCharsets.ISO_8859_1).replace("<f4", "<c8").getBytes(StandardCharsets.ISO_8859_1);
        assertProblem("e.npy", wrongType, "dtype '<c8' is not supported (expected float32 '<f4', float64 '<f8', float16"
                + " '<f2', uint8 '|u1', int32 '<i4' or int64 '<i8', little-endian)");
        byte[] shortDoubles = new String(good, StandardCharsets.ISO_8859_1).replace("<f4", "<f8").getBytes(StandardCharsets.ISO_8859_1);
        assertProblem("g.npy", shortDoubles, "the header's shape [2, 3] of float64 needs 48 data bytes, the file has 24"
                + " (truncated?)");
        byte[] fortran = new String(good, StandardCharsets.ISO_8859_1).replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1);
        assertProblem("f.npy", fortran, "Fortran-ordered data is not supported: save it in C order (numpy.ascontiguousarray)");
        assertProblem("g.npy", "not numpy at all".getBytes(StandardCharsets.US_ASCII), "not a NumPy .npy file (no \\x93NUMPY magic)");
        byte[] version = good.clone();
        version[6] = 4;
        assertProblem("h.npy", version, "unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)");
        assertProblem("i.npy", java.util.Arrays.copyOf(good, 30), "truncated header: it announces 118 bytes, the file has 20 after the length field");
        Path missing = folder.resolve("missing.npy");
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(missing + ": no such file",
                    assertThrows(IllegalArgumentException.class, () -> NpyFile.read(missing, arena)).getMessage());
        }
    }

    @Test
    void aHeaderLongerThanNumpyReadsIsRefusedWithoutBeingRead() throws IOException {
        // Version 2.0 announcing a 100 MB header in a (sparse) 100 MB file: refused before any of it is read.
        Path file = folder.resolve("huge-header.npy");
        ByteBuffer preamble = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        preamble.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0)
                .putInt(100_000_000).flip();
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(preamble);
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}), 12L + 100_000_000 - 1);
        }
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(file + ": the header announces 100000000 bytes, more than numpy reads (10000 characters of at"
                    + " most 4 bytes each)",
                    assertThrows(IllegalArgumentException.class, () -> NpyFile.read(file, arena)).getMessage());
        }
    }

    @Test
    void anOutputGetsThePermissionsOfAnyNewFileNotThoseOfATemporaryOne() throws IOException {
        Path file = folder.resolve("perm.npy");
        try (NpyFile.Output output = NpyFile.Output.create(file, DType.UINT8, new long[] {2})) {
            output.commit();
        }
        Path plain = Files.createFile(folder.resolve("plain.txt"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }

    @Test
    void anUncommittedOutputLeavesNothingBehind() throws IOException {
        Path file = folder.resolve("never.npy");
        try (NpyFile.Output output = NpyFile.Output.create(file, DType.FLOAT32, new long[] {4})) {
            output.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 1f);
        }
        try (var files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
        assertTrue(Files.notExists(file));
    }

    private void assertProblem(String name, byte[] content, String problem) throws IOException {
        Path file = Files.write(folder.resolve(name), content);
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(file + ": " + problem,
                    assertThrows(IllegalArgumentException.class, () -> NpyFile.read(file, arena)).getMessage());
        }
    }
}
