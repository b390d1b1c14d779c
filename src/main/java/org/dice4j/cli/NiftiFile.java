package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A single-file NIfTI-1 or NIfTI-2 volume ({@code .nii}, or gzip-compressed {@code .nii.gz}, recognised by its
 * magic bytes rather than its name), read into off-heap memory: the header ({@link NiftiHeader}) is parsed and
 * checked against the file, the extensions up to {@code vox_offset} are skipped, then the voxels are read (or
 * inflated by the JDK's zlib) straight into memory of the caller's arena, in the file's datatype, swapped to the
 * platform's byte order. No copy of the volume is made on the Java heap. Scaling is applied later, by the role the
 * file plays ({@link NiftiVoxels}).
 */
record NiftiFile(Path path, NiftiHeader header, MemorySegment data) {
    private static final int SCRATCH_BYTES = 1 << 16;
    private static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * Reads {@code path} into {@code arena}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (not NIfTI, a damaged header or gzip
     *     stream, a file shorter than its header says)
     */
    static NiftiFile read(Path path, Arena arena) {
        InputFiles.checkRegularFile(path, "a NIfTI file", "NIfTI inputs");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
                Arena scratch = Arena.ofConfined()) {
            if (GzipStream.isGzip(channel)) {
                channel.position(0);
                try (GzipStream gzip = new GzipStream(channel)) {
                    return readGzip(path, gzip, channel.size(), arena, scratch.allocate(SCRATCH_BYTES));
                }
            }
            return readPlain(path, channel, arena);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + IoErrors.describe(e));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(path + ": the header's dims are too large");
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(path + ": ") ? e : new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static NiftiFile readGzip(Path path, GzipStream gzip, long compressedBytes, Arena arena,
            MemorySegment scratch) throws IOException {
        MemorySegment first = MemorySegment.ofArray(new byte[4]);
        readHeaderBytes(gzip, first, 4);
        ByteOrder order = NiftiHeader.order(first);
        if (order == null) {
            throw new IllegalArgumentException("not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
        }
        int size = first.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0);
        MemorySegment bytes = MemorySegment.ofArray(new byte[size]);
        MemorySegment.copy(first, 0, bytes, 0, 4);
        readHeaderBytes(gzip, bytes.asSlice(4), size);
        NiftiHeader header = NiftiHeader.parse(bytes);
        // Deflate expands at most 1032-fold: dims needing more are damage, refused before any allocation.
        if (header.dataBytes() / MAX_DEFLATE_RATIO > compressedBytes) {
            throw new IllegalArgumentException("the header's dims " + java.util.Arrays.toString(header.dims()) + " need "
                    + header.dataBytes() + " bytes, more than a gzip file of " + compressedBytes + " bytes can hold");
        }
        gzip.skip(header.voxOffset() - size, scratch);
        MemorySegment data = arena.allocate(header.dataBytes(), 64);
        gzip.readFully(data);
        gzip.finish(scratch);
        return new NiftiFile(path, header, toNativeOrder(data, header));
    }

    private static void readHeaderBytes(GzipStream gzip, MemorySegment target, int headerSize) throws IOException {
        try {
            gzip.readFully(target);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith("truncated")) {
                throw e;
            }
            throw new IllegalArgumentException("the file ends inside the NIfTI header (" + gzip.position() + " of "
                    + headerSize + " bytes)");
        }
    }

    private static NiftiFile readPlain(Path path, FileChannel channel, Arena arena) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 4) {
            throw new IllegalArgumentException("not a NIfTI file: " + fileSize + " bytes");
        }
        MemorySegment first = InputFiles.read(path, channel, 0, MemorySegment.ofArray(new byte[4]));
        ByteOrder order = NiftiHeader.order(first);
        if (order == null) {
            throw new IllegalArgumentException("not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
        }
        int size = first.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0);
        if (fileSize < size) {
            throw new IllegalArgumentException("the file has " + fileSize + " bytes, less than its " + size
                    + "-byte NIfTI header");
        }
        NiftiHeader header = NiftiHeader.parse(InputFiles.read(path, channel, 0, MemorySegment.ofArray(new byte[size])));
        long needed = Math.addExact(header.voxOffset(), header.dataBytes());
        if (fileSize < needed) {
            throw new IllegalArgumentException("truncated: vox_offset " + header.voxOffset() + " and " + header.dataBytes()
                    + " data bytes need " + needed + " bytes, the file has " + fileSize);
        }
        MemorySegment data = InputFiles.read(path, channel, header.voxOffset(), arena.allocate(header.dataBytes(), 64));
        return new NiftiFile(path, header, toNativeOrder(data, header));
    }

    /** Swaps every voxel in place when the file's byte order is not the platform's. */
    private static MemorySegment toNativeOrder(MemorySegment data, NiftiHeader header) {
        int width = header.datatype().byteSize();
        if (width == 1 || header.order() == ByteOrder.nativeOrder()) {
            return data;
        }
        long count = data.byteSize() / width;
        switch (width) {
            case 2 -> {
                for (long i = 0; i < count; i++) {
                    data.setAtIndex(ValueLayout.JAVA_SHORT, i, Short.reverseBytes(data.getAtIndex(ValueLayout.JAVA_SHORT, i)));
                }
            }
            case 4 -> {
                for (long i = 0; i < count; i++) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, Integer.reverseBytes(data.getAtIndex(ValueLayout.JAVA_INT, i)));
                }
            }
            default -> {
                for (long i = 0; i < count; i++) {
                    data.setAtIndex(ValueLayout.JAVA_LONG, i, Long.reverseBytes(data.getAtIndex(ValueLayout.JAVA_LONG, i)));
                }
            }
        }
        return data;
    }
}
