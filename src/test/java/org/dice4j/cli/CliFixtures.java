package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.dice4j.DType;

/** Input files for the command line's safety tests: a softmax problem of a chosen size, and folder snapshots. */
final class CliFixtures {
    private CliFixtures() {}

    /** float32 logits (N, C, voxels) of a fixed pattern. */
    static Path logits(Path file, int images, int classes, int voxels) {
        float[] logits = new float[images * classes * voxels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.cos(i * 0.7) * 2;
        }
        return CliRun.write(file, DType.FLOAT32, new long[] {images, classes, voxels}, MemorySegment.ofArray(logits));
    }

    /** A uint8 label map (N, voxels) over {@code classes} classes. */
    static Path labels(Path file, int images, int classes, int voxels) {
        byte[] labels = new byte[images * voxels];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i / 5 % classes);
        }
        return CliRun.write(file, DType.UINT8, new long[] {images, voxels}, MemorySegment.ofArray(labels));
    }

    /** Every entry of {@code folder} (hidden temporaries included) with a digest of its bytes. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.toList()) {
                boolean regular = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
                files.put(file.getFileName().toString(), regular ? digest(Files.readAllBytes(file)) : "not a regular file");
            }
        }
        return files;
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** True when the JVM runs as root (some tests need a tmpfs or a device node; root also ignores file modes). */
    static boolean root() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
        } catch (IOException e) {
            return false;
        }
    }
}
