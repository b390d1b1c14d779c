package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.dice4j.DType;
import org.dice4j.Tensor;

/**
 * A NumPy {@code .npy} file, read into off-heap memory: the header is parsed as numpy parses it ({@link NpyHeader})
 * and checked against the file, then the data is read (never mapped, never copied onto the Java heap). Format
 * versions 1.0, 2.0 and 3.0, C order, little-endian {@code <f4}, {@code <f2}, {@code <f8}, {@code |u1},
 * {@code <i4}, {@code <i8}.
 *
 * <p>Layout (NumPy's format description): the magic {@code \x93NUMPY}, major and minor version bytes, the header
 * length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then the header: a Python literal dict
 * with exactly the keys {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and ended by a newline so
 * that the data starts at a multiple of 64 bytes. Version 3 differs from 2 only by a UTF-8 header.
 *
 * @param path the file read
 * @param dtype its element type
 * @param shape its shape
 * @param data its data, off-heap, alive as long as the arena given to {@link #read}
 */
public record NpyFile(Path path, DType dtype, long[] shape, MemorySegment data) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** numpy refuses headers of more than 10000 characters; dice4j reads no more than this many bytes of one. */
    private static final int MAX_PREFIX = 12 + 4 * 10000;

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The data as a tensor of the file's shape. */
    public Tensor tensor() {
        return Tensor.of(data, dtype, shape);
    }

    /**
     * Reads {@code path} into off-heap memory of {@code arena} after checking its header and length. The file is
     * read with channel reads, not mapped: a mapped file that another process truncates during the computation is
     * a SIGBUS in the kernels (a crash of the JVM), a read that comes up short is an error naming the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (missing, a folder or not a regular
     *     file, unreadable, not an .npy file, unsupported version, dtype or order, a shape that disagrees with the
     *     file's length, a file that shrank while it was read)
     */
    public static NpyFile read(Path path, Arena arena) {
        InputFiles.checkRegularFile(path, "an .npy file", ".npy inputs");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            Header header = parseHeader(path, readPrefix(path, channel, size));
            long elements = elementCount(path, header.shape());
            int elementBytes = header.float64() ? Double.BYTES : header.dtype().byteSize();
            long expected = Math.multiplyExact(elements, (long) elementBytes);
            long actual = size - header.dataOffset();
            if (actual != expected) {
                throw bad(path, "the header's shape " + Arrays.toString(header.shape()) + " of "
                        + (header.float64() ? "float64" : describe(header.dtype())) + " needs " + expected
                        + " data bytes, the file has " + actual + (actual < expected ? " (truncated?)" : ""));
            }
            MemorySegment data = header.float64()
                    ? readFloat64AsFloat32(path, channel, header.dataOffset(), elements, arena)
                    : InputFiles.read(path, channel, header.dataOffset(), arena.allocate(expected, ALIGNMENT));
            return new NpyFile(path, header.dtype(), header.shape(), data);
        } catch (IOException e) {
            throw bad(path, "cannot read: " + IoErrors.describe(e));
        } catch (ArithmeticException e) {
            throw bad(path, "the header's shape is too large");
        }
    }

    /** The first bytes of the file, enough for any header dice4j accepts (a longer one is refused unread). */
    private static MemorySegment readPrefix(Path path, FileChannel channel, long size) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate((int) Math.min(size, MAX_PREFIX));
        while (prefix.hasRemaining()) {
            if (channel.read(prefix, prefix.position()) < 0) {
                throw bad(path, "the file shrank while it was read");
            }
        }
        return MemorySegment.ofArray(prefix.array());
    }

    /** The one input that is converted: float64 read in blocks and rounded to float32, off-heap. */
    private static MemorySegment readFloat64AsFloat32(Path path, FileChannel channel, long position, long elements,
            Arena arena) throws IOException {
        MemorySegment converted = arena.allocate(elements * Float.BYTES, ALIGNMENT);
        try (Arena scratch = Arena.ofConfined()) {
            long blockElements = Math.min(elements, 1 << 20);
            MemorySegment block = scratch.allocate(Math.max(1, blockElements) * Double.BYTES, ALIGNMENT);
            for (long first = 0; first < elements; first += blockElements) {
                long count = Math.min(blockElements, elements - first);
                InputFiles.read(path, channel, position + first * Double.BYTES, block.asSlice(0, count * Double.BYTES));
                for (long i = 0; i < count; i++) {
                    converted.setAtIndex(ValueLayout.JAVA_FLOAT, first + i,
                            (float) block.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
                }
            }
        }
        return converted;
    }

    /**
     * The parsed header: element type, shape, and where the data starts. A float64 file ({@code float64}) is read as
     * FLOAT32, converted.
     */
    record Header(DType dtype, long[] shape, long dataOffset, boolean float64) {}

    static Header parseHeader(Path path, MemorySegment file) {
        Prefix prefix = readPrefix(path, file);
        long headerStart = prefix.headerStart();
        long headerLength = prefix.headerLength();
        int major = prefix.major();
        NpyHeader header;
        try {
            header = NpyHeader.parse(file.asSlice(headerStart, headerLength).toArray(ValueLayout.JAVA_BYTE), major);
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
        if (header.fortranOrder()) {
            throw bad(path, "Fortran-ordered data is not supported: save it in C order (numpy.ascontiguousarray)");
        }
        boolean float64 = header.descr().equals("<f8");
        // The descr may hold any character: the message shows it escaped (never equal to a supported descr then).
        DType dtype = float64 ? DType.FLOAT32 : dtype(path, Excerpt.of(header.descr()));
        if (float64 && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw bad(path, "little-endian data on a big-endian platform is not supported");
        }
        return new Header(dtype, parseShape(path, header.shape()), headerStart + headerLength, float64);
    }

    /** The fixed-size start of a .npy file: its format version and where its header text lies. */
    private record Prefix(int major, long headerStart, long headerLength) {}

    private static Prefix readPrefix(Path path, MemorySegment file) {
        if (file.byteSize() < 10 || !Arrays.equals(file.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw bad(path, "not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        int major = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 6));
        int minor = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 7));
        if (major < 1 || major > 3 || minor != 0) {
            throw bad(path, "unsupported .npy format version " + major + "." + minor + " (expected 1.0, 2.0 or 3.0)");
        }
        long headerLength;
        long headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(file.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            headerStart = 10;
        } else {
            if (file.byteSize() < 12) {
                throw bad(path, "truncated header");
            }
            headerLength = Integer.toUnsignedLong(file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            headerStart = 12;
        }
        if (headerLength > MAX_PREFIX - headerStart) {
            throw bad(path, "the header announces " + headerLength + " bytes, more than numpy reads (10000 characters"
                    + " of at most 4 bytes each)");
        }
        if (headerStart + headerLength > file.byteSize()) {
            throw bad(path, "truncated header: it announces " + headerLength + " bytes, the file has "
                    + (file.byteSize() - headerStart) + " after the length field");
        }
        return new Prefix(major, headerStart, headerLength);
    }

    private static DType dtype(Path path, String descr) {
        boolean littleEndianPlatform = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        DType dtype = switch (descr) {
            case "<f4" -> DType.FLOAT32;
            case "<f2" -> DType.FLOAT16;
            case "|u1", "<u1", ">u1" -> DType.UINT8;
            case "<i4" -> DType.INT32;
            case "<i8" -> DType.INT64;
            default -> throw bad(path, "dtype '" + descr + "' is not supported (expected float32 '<f4', float64 '<f8',"
                    + " float16 '<f2', uint8 '|u1', int32 '<i4' or int64 '<i8', little-endian)");
        };
        if (!littleEndianPlatform && dtype != DType.UINT8) {
            throw bad(path, "little-endian data on a big-endian platform is not supported");
        }
        return dtype;
    }

    private static long[] parseShape(Path path, long[] shape) {
        if (shape.length == 0) {
            throw bad(path, "a 0-dimensional array (shape ()) is not a tensor");
        }
        return shape;
    }

    private static long elementCount(Path path, long[] shape) {
        long count = 1;
        for (long size : shape) {
            count = Math.multiplyExact(count, size);
        }
        return count;
    }

    /** The header bytes (version 1.0, or 2.0 when longer than 65535 bytes), padded so that data starts at 64. */
    static byte[] header(DType dtype, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr(dtype)).append("', 'fortran_order': False, 'shape': (");
        for (int axis = 0; axis < shape.length; axis++) {
            dict.append(shape[axis]).append(shape.length == 1 ? "," : axis + 1 < shape.length ? ", " : "");
        }
        dict.append("), }");
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int prefix = text.length + 1 + 10 > 65535 ? 12 : 10;
        int total = (prefix + text.length + 1 + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] bytes = new byte[total];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[6] = (byte) (prefix == 10 ? 1 : 2);
        bytes[7] = 0;
        int headerLength = total - prefix;
        bytes[8] = (byte) headerLength;
        bytes[9] = (byte) (headerLength >>> 8);
        if (prefix == 12) {
            bytes[10] = (byte) (headerLength >>> 16);
            bytes[11] = (byte) (headerLength >>> 24);
        }
        System.arraycopy(text, 0, bytes, prefix, text.length);
        Arrays.fill(bytes, prefix + text.length, total - 1, (byte) ' ');
        bytes[total - 1] = '\n';
        return bytes;
    }

    private static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "<f4";
            case UINT8 -> "|u1";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case FLOAT16 -> "<f2";
            case BFLOAT16 -> throw new IllegalArgumentException("NumPy has no bfloat16 dtype");
        };
    }

    private static String describe(DType dtype) {
        return dtype.name().toLowerCase(Locale.ROOT);
    }

    /**
     * An .npy file being written: its data is filled by the caller in off-heap memory, then {@link #commit()} writes
     * the header and the data through {@link OutputFile} (a temporary file renamed into place, or straight into a
     * device or FIFO). Closing without committing writes nothing.
     */
    public static final class Output implements AutoCloseable {
        private final Path target;
        private final byte[] header;
        private final Arena arena;
        private final MemorySegment data;

        private Output(Path target, byte[] header, Arena arena, MemorySegment data) {
            this.target = target;
            this.header = header;
            this.arena = arena;
            this.data = data;
        }

        /** Allocates the data of an .npy file of {@code dtype} and {@code shape}, to be written to {@code target}. */
        public static Output create(Path target, DType dtype, long[] shape) {
            byte[] header = header(dtype, shape);
            long dataBytes;
            try {
                dataBytes = Math.multiplyExact(elementCount(target, shape), (long) dtype.byteSize());
            } catch (ArithmeticException e) {
                throw bad(target, "the shape " + Arrays.toString(shape) + " is too large");
            }
            Arena arena = Arena.ofShared();
            try {
                return new Output(target, header, arena, arena.allocate(dataBytes, ALIGNMENT));
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }

        /** The data, to be filled before {@link #commit()}. */
        public MemorySegment data() {
            return data;
        }

        /** Writes the header and the data to the target, whole or not at all. */
        public void commit() {
            OutputFile.write(target, channel -> {
                writeFully(channel, ByteBuffer.wrap(header));
                for (long done = 0; done < data.byteSize(); done += 1L << 30) {
                    writeFully(channel, data.asSlice(done, Math.min(data.byteSize() - done, 1L << 30)).asByteBuffer());
                }
            });
        }

        private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    private static IllegalArgumentException bad(Path path, String problem) {
        return new IllegalArgumentException(path + ": " + problem);
    }
}
