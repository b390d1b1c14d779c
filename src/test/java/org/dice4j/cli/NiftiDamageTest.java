package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged NIfTI files are one-line errors that name the file and the damage, within seconds: never a crash, a
 * hang, or a volume read from the wrong bytes.
 */
class NiftiDamageTest {
    @TempDir
    Path folder;

    private static final double[] VALUES = new double[4 * 3 * 2];

    static {
        Arrays.setAll(VALUES, i -> i % 4);
    }

    private static byte[] valid() {
        return NiftiWriter.of(NiftiDatatype.UINT8, 4, 3, 2).bytes(VALUES);
    }

    private void assertRefused(String name, byte[] bytes, String expected) throws IOException {
        Path file = folder.resolve(name);
        Files.write(file, bytes);
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                IllegalArgumentException.class, () -> {
                    try (Arena arena = Arena.ofConfined()) {
                        NiftiFile.read(file, arena);
                    }
                }));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aTruncatedGzipStreamIsRefusedAtEveryLength() throws IOException {
        byte[] zipped = NiftiWriter.gzip(valid());
        for (int length = 0; length < zipped.length; length++) {
            Path file = folder.resolve("cut" + length + ".nii.gz");
            Files.write(file, Arrays.copyOf(zipped, length));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                try (Arena arena = Arena.ofConfined()) {
                    NiftiFile.read(file, arena);
                }
            }, "cut at " + length);
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void corruptedGzipBytesAreRefusedNeverHang() throws IOException {
        byte[] zipped = NiftiWriter.gzip(valid());
        Random random = new Random(21);
        for (int trial = 0; trial < 200; trial++) {
            byte[] damaged = zipped.clone();
            int at = 10 + random.nextInt(damaged.length - 10);
            damaged[at] ^= (byte) (1 + random.nextInt(255));
            Path file = folder.resolve("flip" + trial + ".nii.gz");
            Files.write(file, damaged);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (Arena arena = Arena.ofConfined()) {
                    NiftiFile.read(file, arena);
                    throw new AssertionError("byte " + at + " flipped was read without an error");
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                }
            });
        }
    }

    @Test
    void aTruncatedPlainFileSaysHowManyBytesItNeeds() throws IOException {
        byte[] bytes = valid();
        assertRefused("short.nii", Arrays.copyOf(bytes, bytes.length - 1), "truncated");
    }

    @Test
    void aHeaderLargerThanTheFileIsRefused() throws IOException {
        assertRefused("header.nii", Arrays.copyOf(valid(), 200), "less than its 348-byte NIfTI header");
        assertRefused("header.nii.gz", NiftiWriter.gzip(Arrays.copyOf(valid(), 200)), "ends inside the NIfTI header");
    }

    @Test
    void aBadVoxOffsetIsRefused() throws IOException {
        assertRefused("offset.nii", patch(valid(), 108, 100f), "vox_offset 100.0");
        assertRefused("fraction.nii.gz", NiftiWriter.gzip(patch(valid(), 108, 352.5f)), "vox_offset 352.5");
        assertRefused("beyond.nii", patch(valid(), 108, 1e6f), "truncated");
    }

    @Test
    void aDimOfZeroOrLessIsRefused() throws IOException {
        byte[] zero = valid();
        ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN).putShort(44, (short) 0);
        assertRefused("zero.nii", zero, "dim[2] = 0");
        byte[] negative = valid();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) -3);
        assertRefused("negative.nii.gz", NiftiWriter.gzip(negative), "dim[1] = -3");
        byte[] rank = valid();
        ByteBuffer.wrap(rank).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 8);
        assertRefused("rank.nii", rank, "dim[0] = 8");
    }

    @Test
    void dimsTooLargeForTheCompressedFileAreRefusedBeforeAnyAllocation() throws IOException {
        byte[] huge = valid();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 30000).putShort(44, (short) 30000)
                .putShort(46, (short) 30000);
        assertRefused("huge.nii.gz", NiftiWriter.gzip(huge), "more than a gzip file of");
        assertRefused("huge.nii", huge, "truncated");
    }

    @Test
    void anUnknownDatatypeIsRefused() throws IOException {
        byte[] complex = valid();
        ByteBuffer.wrap(complex).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 32).putShort(72, (short) 64);
        assertRefused("complex.nii", complex, "datatype 32 is not supported");
        byte[] bits = valid();
        ByteBuffer.wrap(bits).order(ByteOrder.LITTLE_ENDIAN).putShort(72, (short) 16);
        assertRefused("bitpix.nii", bits, "bitpix 16 does not match datatype uint8");
    }

    @Test
    void aFileThatIsNotNiftiIsRefused() throws IOException {
        assertRefused("text.nii", "hello, this is not a volume".getBytes(), "not a NIfTI file");
        assertRefused("tiny.nii", new byte[2], "not a NIfTI file");
        byte[] pair = valid();
        pair[345] = 'i';
        assertRefused("pair.nii", pair, ".hdr/.img pair");
    }

    private static byte[] patch(byte[] bytes, int offset, float value) {
        byte[] patched = bytes.clone();
        ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN).putFloat(offset, value);
        return patched;
    }
}
