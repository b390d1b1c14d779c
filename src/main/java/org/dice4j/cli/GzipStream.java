package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip file (RFC 1952) decompressed by the JDK's zlib straight into the caller's off-heap memory: the compressed
 * bytes pass through one direct buffer, the inflated ones land where {@link #readFully} is told, never on the Java
 * heap. The member's CRC-32 and length are checked when it ends. Every way a damaged file can end (early, inside a
 * header, with bad deflate data, a wrong check value) is an {@link IllegalArgumentException} saying so; every loop
 * makes progress or stops, so a damaged file cannot hang the reader.
 */
final class GzipStream implements AutoCloseable {
    private static final int INPUT_BYTES = 1 << 16;
    private static final int FLAG_HCRC = 2;
    private static final int FLAG_EXTRA = 4;
    private static final int FLAG_NAME = 8;
    private static final int FLAG_COMMENT = 16;

    private final FileChannel channel;
    private final ByteBuffer input = ByteBuffer.allocateDirect(INPUT_BYTES).order(ByteOrder.LITTLE_ENDIAN).limit(0);
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long inflated;
    private boolean endOfFile;

    /** Opens the stream on {@code channel} at its start and reads the gzip member header. */
    GzipStream(FileChannel channel) throws IOException {
        this.channel = channel;
        readMemberHeader();
    }

    /** True when the file starts with the gzip magic bytes 1f 8b. */
    static boolean isGzip(FileChannel channel) throws IOException {
        ByteBuffer magic = ByteBuffer.allocate(2);
        while (magic.hasRemaining() && channel.read(magic, magic.position()) >= 0) {
            // read until two bytes or the end of the file
        }
        return magic.position() == 2 && magic.get(0) == 0x1f && magic.get(1) == (byte) 0x8b;
    }

    /** Bytes inflated so far. */
    long position() {
        return inflated;
    }

    /** Fills {@code target} with the next inflated bytes, or says that the stream ended first. */
    void readFully(MemorySegment target) throws IOException {
        for (long done = 0; done < target.byteSize(); ) {
            ByteBuffer out = target.asSlice(done, Math.min(target.byteSize() - done, 1L << 30)).asByteBuffer();
            while (out.hasRemaining()) {
                int before = out.position();
                if (inflateInto(out) == 0 && out.position() == before) {
                    throw new IllegalArgumentException("truncated gzip data: the stream ends after " + inflated
                            + " bytes, " + (target.byteSize() - done - out.position()) + " more were expected");
                }
            }
            done += out.capacity();
        }
    }

    /** Reads and drops {@code count} bytes (NIfTI extensions between the header and the voxels). */
    void skip(long count, MemorySegment scratch) throws IOException {
        for (long left = count; left > 0; ) {
            long step = Math.min(left, scratch.byteSize());
            readFully(scratch.asSlice(0, step));
            left -= step;
        }
    }

    /** Inflates the rest of the member into {@code scratch} and checks its CRC-32 and length. */
    void finish(MemorySegment scratch) throws IOException {
        ByteBuffer out = scratch.asByteBuffer();
        while (!inflater.finished()) {
            out.clear();
            if (inflateInto(out) == 0 && out.position() == 0 && !inflater.finished()) {
                throw new IllegalArgumentException("truncated gzip data: the stream ends after " + inflated + " bytes");
            }
        }
        checkTrailer();
    }

    /** One step of inflation into {@code out}; returns 0 only when no input is left (the caller decides). */
    private int inflateInto(ByteBuffer out) throws IOException {
        while (true) {
            if (inflater.finished()) {
                checkTrailer();
                return 0;
            }
            if (inflater.needsInput() && !refill()) {
                return 0;
            }
            int start = out.position();
            try {
                inflater.inflate(out);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("damaged gzip data after " + inflated + " bytes: " + e.getMessage());
            }
            int produced = out.position() - start;
            if (produced > 0) {
                crc.update(out.duplicate().position(start).limit(start + produced));
                inflated += produced;
                return produced;
            }
            if (inflater.needsDictionary()) {
                throw new IllegalArgumentException("damaged gzip data: the deflate stream asks for a preset dictionary");
            }
            if (!inflater.finished() && !inflater.needsInput()) {
                throw new IllegalArgumentException("damaged gzip data after " + inflated + " bytes");
            }
        }
    }

    private boolean trailerChecked;

    /** The member's CRC-32 and length (mod 2^32), once, when the deflate stream has ended. */
    private void checkTrailer() throws IOException {
        if (trailerChecked) {
            return;
        }
        trailerChecked = true;
        long storedCrc = Integer.toUnsignedLong(nextInt("the CRC-32 of the trailer"));
        long storedLength = Integer.toUnsignedLong(nextInt("the length of the trailer"));
        if (storedCrc != crc.getValue()) {
            throw new IllegalArgumentException("damaged gzip data: CRC-32 " + Long.toHexString(crc.getValue())
                    + " of the inflated bytes, the trailer says " + Long.toHexString(storedCrc));
        }
        if (storedLength != (inflated & 0xFFFFFFFFL)) {
            throw new IllegalArgumentException("damaged gzip data: " + inflated + " bytes inflated, the trailer says "
                    + storedLength + " (mod 2^32)");
        }
    }

    private void readMemberHeader() throws IOException {
        if (nextByte("the gzip header") != 0x1f || nextByte("the gzip header") != 0x8b) {
            throw new IllegalArgumentException("not a gzip file (no 1f 8b magic)");
        }
        int method = nextByte("the gzip header");
        if (method != 8) {
            throw new IllegalArgumentException("gzip compression method " + method + " is not deflate (8)");
        }
        int flags = nextByte("the gzip header");
        for (int i = 0; i < 6; i++) {
            nextByte("the gzip header");
        }
        if ((flags & FLAG_EXTRA) != 0) {
            int length = nextByte("the gzip extra field") | nextByte("the gzip extra field") << 8;
            for (int i = 0; i < length; i++) {
                nextByte("the gzip extra field");
            }
        }
        for (int flag : new int[] {FLAG_NAME, FLAG_COMMENT}) {
            if ((flags & flag) != 0) {
                while (nextByte("the gzip file name or comment") != 0) {
                    // a zero-terminated string
                }
            }
        }
        if ((flags & FLAG_HCRC) != 0) {
            nextByte("the gzip header check");
            nextByte("the gzip header check");
        }
        inflater.setInput(input);
    }

    private int nextInt(String what) throws IOException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value |= nextByte(what) << (8 * i);
        }
        return value;
    }

    /** The next compressed byte (the inflater's unused input first), or an error naming what was being read. */
    private int nextByte(String what) throws IOException {
        if (!input.hasRemaining() && !refill()) {
            throw new IllegalArgumentException("truncated gzip file: it ends inside " + what);
        }
        return Byte.toUnsignedInt(input.get());
    }

    /** More compressed bytes after those not yet consumed; false at the end of the file. */
    private boolean refill() throws IOException {
        if (endOfFile) {
            return false;
        }
        input.compact();
        int read = channel.read(input);
        input.flip();
        if (read < 0) {
            endOfFile = true;
        }
        if (read > 0 || input.hasRemaining()) {
            inflater.setInput(input);
        }
        return read > 0;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
