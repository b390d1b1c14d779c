package org.dice4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the command line writes its outputs ({@code --grad}, {@code --out}), so that no input is ever damaged and
 * no half-written file is ever left:
 * <ul>
 *   <li>{@link #check} refuses, before anything is computed, an output that is an input (the same file under any
 *       name: a hard link, a symbolic link, the same path), a folder, or one in a folder that does not exist;</li>
 *   <li>{@link #write} writes a regular file (new, or replacing one) into a hidden temporary file beside it
 *       ({@code .NAME.RANDOM.tmp}), flushes it to disk and renames it onto the target: readers see the old file or
 *       the new one, whole. A symbolic link to a regular file is followed: the file it points to is replaced, the
 *       link stays. A failure (a full disk, an I/O error) deletes the temporary file;</li>
 *   <li>an output that exists and is not a regular file (a FIFO, a character device such as {@code /dev/null}), or a
 *       path under {@code /dev} or {@code /proc} (such as {@code /dev/stdout}), is written into directly, in order:
 *       there is no file to replace, and renaming over a device node would remove the node;</li>
 *   <li>a temporary file still being written when the JVM is asked to stop (SIGTERM, SIGINT) is deleted by a
 *       shutdown hook. Only SIGKILL (or a power cut) can leave one behind, recognisable by its name.</li>
 * </ul>
 * Data is written with channel writes, never through a memory mapping: a mapped store that finds the disk full
 * is a SIGBUS that kills the JVM, a write is an {@link IOException}.
 */
final class OutputFile {
    /** What fills an output: writes the whole content into the channel, in order. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private OutputFile() {}

    /**
     * Refuses an output that would damage an input or cannot be created, before any work is done.
     *
     * @param option the flag that names the output ({@code --grad})
     * @param inputs each input's path and what names it on the command line ({@code --logits})
     * @throws IllegalArgumentException naming the flag, the output and the problem
     */
    static void check(String option, Path target, Map<Path, String> inputs) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(option + ": " + target + " is a folder, expected a file name");
        }
        if (Files.isSymbolicLink(absolute) && !Files.exists(absolute)) {
            throw new IllegalArgumentException(option + ": " + target + " is a symbolic link to a file that does not"
                    + " exist");
        }
        Path folder = absolute.getParent();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && (folder == null || !Files.isDirectory(folder))) {
            throw new IllegalArgumentException(option + ": the folder " + folder + " of " + target + " does not exist");
        }
        for (Map.Entry<Path, String> input : inputs.entrySet()) {
            if (sameFile(absolute, input.getKey())) {
                throw new IllegalArgumentException(option + ": " + target + " is the same file as " + input.getValue()
                        + " " + input.getKey() + "; writing it would destroy that input, choose another output");
            }
        }
    }

    /** True when both paths exist and are one file (after links, hard links included). */
    static boolean sameFile(Path output, Path input) {
        try {
            return Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code target} whole, as described in the class comment.
     *
     * @throws IllegalArgumentException when the target cannot be created (missing folder, permission denied, a folder)
     * @throws UncheckedIOException when writing fails (a full disk, an I/O error); nothing is left behind
     */
    static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath().normalize();
        if (writtenInPlace(absolute)) {
            writeInPlace(target, absolute, content);
            return;
        }
        Path destination = resolveLinks(target, absolute);
        Path temporary = Temporaries.create(target, destination);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            rename(temporary, destination);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write: " + IoErrors.describe(e), e);
        } finally {
            Temporaries.delete(temporary);
        }
    }

    /** Writes {@code bytes} to {@code target} as {@link #write(Path, Content)} does. */
    static void write(Path target, byte[] bytes) {
        write(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** FIFOs, devices and the /dev, /proc file systems: written into, never renamed over. */
    private static boolean writtenInPlace(Path absolute) {
        if (absolute.startsWith("/dev") || absolute.startsWith("/proc")) {
            return true;
        }
        return Files.exists(absolute) && !Files.isRegularFile(absolute) && !Files.isDirectory(absolute);
    }

    private static void writeInPlace(Path target, Path absolute, Content content) {
        try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.WRITE)) {
            content.writeTo(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write: " + IoErrors.describe(e), e);
        }
    }

    /** The file a symbolic link finally points to (the link itself is kept), or the path itself. */
    private static Path resolveLinks(Path target, Path absolute) {
        if (!Files.isSymbolicLink(absolute)) {
            return absolute;
        }
        try {
            return absolute.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(target + ": a symbolic link to a file that does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(target + ": cannot follow the link: " + IoErrors.describe(e));
        }
    }

    private static void rename(Path temporary, Path destination) throws IOException {
        try {
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The temporary files being written, deleted by a shutdown hook if the JVM stops first. Creation and the hook
     * hold one lock, so that no temporary file can be created after the hook has run.
     */
    static final class Temporaries {
        private static final Set<Path> LIVE = new HashSet<>();
        private static boolean shuttingDown;

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(Temporaries::deleteAll, "dice4j-temporary-files"));
        }

        private Temporaries() {}

        /** Creates a fresh hidden file beside {@code destination} (the umask's permissions, not 600). */
        static Path create(Path target, Path destination) {
            synchronized (LIVE) {
                if (shuttingDown) {
                    throw new IllegalStateException("the JVM is shutting down: " + target + " not written");
                }
                Path temporary = destination.resolveSibling("." + destination.getFileName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
                try {
                    Files.newByteChannel(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                } catch (NoSuchFileException e) {
                    throw new IllegalArgumentException(target + ": cannot write: the folder " + destination.getParent()
                            + " does not exist");
                } catch (IOException e) {
                    throw new IllegalArgumentException(target + ": cannot write: " + IoErrors.describe(e));
                }
                LIVE.add(temporary);
                return temporary;
            }
        }

        /** Deletes {@code temporary} if it is still there (after a rename it is not). */
        static void delete(Path temporary) {
            synchronized (LIVE) {
                LIVE.remove(temporary);
                deleteQuietly(temporary);
            }
        }

        /** The temporary files not yet renamed or deleted (for tests). */
        static Set<Path> live() {
            synchronized (LIVE) {
                return Set.copyOf(LIVE);
            }
        }

        private static void deleteAll() {
            synchronized (LIVE) {
                shuttingDown = true;
                LIVE.forEach(Temporaries::deleteQuietly);
                LIVE.clear();
            }
        }

        private static void deleteQuietly(Path path) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // Nothing more can be done: the name (a dot, the target's name, .tmp) says what it is.
            }
        }
    }
}
