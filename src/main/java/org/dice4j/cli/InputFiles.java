package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What every input reader does the same way: refuse what is not a regular file, read with channel reads. */
final class InputFiles {
    private InputFiles() {}

    /** Refuses folders and non-regular files (opening a FIFO without a writer would wait forever). */
    static void checkRegularFile(Path path, String file, String inputs) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw bad(path, "no such file");
        } catch (IOException e) {
            throw bad(path, "cannot read: " + IoErrors.describe(e));
        }
        if (attributes.isDirectory()) {
            throw bad(path, "is a folder, expected " + file);
        }
        if (!attributes.isRegularFile()) {
            throw bad(path, "is not a regular file (a FIFO, a socket or a device): " + inputs + " must be regular files");
        }
    }

    /** Fills {@code data} from {@code position} on, in reads of at most 1 GiB (a ByteBuffer's limit). */
    static MemorySegment read(Path path, FileChannel channel, long position, MemorySegment data) throws IOException {
        for (long done = 0; done < data.byteSize(); ) {
            ByteBuffer buffer = data.asSlice(done, Math.min(data.byteSize() - done, 1L << 30)).asByteBuffer();
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + done + buffer.position());
                if (read < 0) {
                    throw bad(path, "the file shrank while it was read: " + (done + buffer.position()) + " of "
                            + data.byteSize() + " data bytes were there");
                }
            }
            done += buffer.capacity();
        }
        return data;
    }

    private static IllegalArgumentException bad(Path path, String problem) {
        return new IllegalArgumentException(path + ": " + problem);
    }
}
