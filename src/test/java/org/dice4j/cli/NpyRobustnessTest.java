package org.dice4j.cli;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dice4j.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy reader on thousands of damaged files: valid files with random bytes overwritten (in the header more
 * often than in the data), truncated or extended, and headers with random text in their fields. Each file is either
 * read, with a shape whose data fits the file exactly, or refused with an {@link IllegalArgumentException} naming
 * the file; never another exception, an out-of-bounds access, or a hang.
 */
class NpyRobustnessTest {
    @TempDir
    Path folder;

    private static final String[] FIELD_NOISE = {"'<f4'", "'>f4'", "'|b1'", "'<f8'", "(2, 3)", "(-1, 3)", "()",
        "(99999999999999999999,)", "(4294967296, 4294967296)", "True", "False", "'shape'", "{", "}", "(", ")", ",", ":",
        "'descr'", "'fortran_order'", "\u00e9", "\n", "0", "1L"};

    @Test
    void everyDamagedFileIsReadConsistentlyOrRefusedWithItsName() {
        qt().withExamples(Integer.getInteger("dice4j.test.examples", 300) * 10)
                .forAll(integers().between(0, 4), longs().all())
                .checkAssert((damage, seed) -> check(damage, new SplittableRandom(seed)));
    }

    private void check(int damage, SplittableRandom random) {
        DType[] numpyTypes = {DType.FLOAT32, DType.FLOAT16, DType.UINT8, DType.INT32, DType.INT64};
        DType dtype = numpyTypes[random.nextInt(numpyTypes.length)];
        long[] shape = new long[1 + random.nextInt(3)];
        for (int axis = 0; axis < shape.length; axis++) {
            shape[axis] = random.nextInt(4);
        }
        byte[] header = NpyFile.header(dtype, shape);
        long dataBytes = Arrays.stream(shape).reduce(1, Math::multiplyExact) * dtype.byteSize();
        byte[] bytes = Arrays.copyOf(header, (int) (header.length + dataBytes));
        switch (damage) {
            case 0 -> { // bytes overwritten, mostly in the header
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    int at = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : random.nextInt(header.length);
                    bytes[at] = (byte) random.nextInt(256);
                }
            }
            case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // truncated
            case 2 -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64)); // trailing bytes
            case 3 -> { // a header field replaced by noise, padding kept
                String text = new String(header, 10, header.length - 10, StandardCharsets.ISO_8859_1);
                String noise = FIELD_NOISE[random.nextInt(FIELD_NOISE.length)];
                String[] targets = {"'<f4'", "'|u1'", "'<i4'", "'<i8'", "False", "(", ")", "'shape'", "'descr'"};
                String target = targets[random.nextInt(targets.length)];
                String changed = text.replaceFirst(java.util.regex.Pattern.quote(target),
                        java.util.regex.Matcher.quoteReplacement(noise));
                byte[] body = changed.getBytes(StandardCharsets.ISO_8859_1);
                bytes = new byte[10 + body.length + (int) dataBytes];
                System.arraycopy(header, 0, bytes, 0, 10);
                bytes[8] = (byte) body.length;
                bytes[9] = (byte) (body.length >>> 8);
                System.arraycopy(body, 0, bytes, 10, body.length);
            }
            default -> { // the header length field
                bytes[8] = (byte) random.nextInt(256);
                bytes[9] = (byte) random.nextInt(256);
            }
        }
        Path file = folder.resolve("f.npy");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Arena arena = Arena.ofConfined()) {
            NpyFile npy = NpyFile.read(file, arena);
            long count = Arrays.stream(npy.shape()).reduce(1, Math::multiplyExact);
            long expected = count * npy.dtype().byteSize();
            if (npy.data().byteSize() != expected || expected > bytes.length) {
                throw new AssertionError("read shape " + Arrays.toString(npy.shape()) + " of " + npy.dtype()
                        + " but " + npy.data().byteSize() + " data bytes in a file of " + bytes.length);
            }
            if (expected > 0) {
                npy.data().get(ValueLayout.JAVA_BYTE, expected - 1); // every byte of the shape is readable
            }
            MemorySegment.copy(npy.data(), 0, MemorySegment.ofArray(new byte[(int) expected]), 0, expected);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith(file + ": ")) {
                throw new AssertionError("message does not name the file: " + e.getMessage(), e);
            }
        }
    }
}
