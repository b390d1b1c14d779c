package org.dice4j.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.dice4j.DType;
import org.dice4j.Tensor;

/**
 * A NumPy {@code .npy} file, memory-mapped: the header is parsed and checked against the file, and the data is handed
 * out as a segment of the mapping (never copied onto the heap). Format versions 1.0, 2.0 and 3.0, C order,
 * little-endian {@code <f4}, {@code |u1}, {@code <i4}, {@code <i8}.
 *
 * <p>Layout (NumPy's format description): the magic {@code \x93NUMPY}, major and minor version bytes, the header
 * length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then the header: a Python dict literal
 * with the keys {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and ended by a newline so
 * that the data starts at a multiple of 64 bytes. Version 3 differs from 2 only by a UTF-8 header.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;

    private final Path path;
    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;

    private NpyFile(Path path, DType dtype, long[] shape, MemorySegment data) {
        this.path = path;
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    public Path path() {
        return path;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The data, read-only, mapped for the life of the arena given to {@link #map}. */
    public MemorySegment data() {
        return data;
    }

    /** The data as a tensor of the file's shape. */
    public Tensor tensor() {
        return Tensor.of(data, dtype, shape);
    }

    /**
     * Maps {@code path} read-only into {@code arena} after checking its header and length.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (missing, unreadable, not an .npy
     *     file, unsupported version, dtype or order, a shape that disagrees with the file's length)
     */
    public static NpyFile map(Path path, Arena arena) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Header header = parseHeader(path, file);
            long elements = elementCount(path, header.shape());
            int elementBytes = header.float64() ? Double.BYTES : header.dtype().byteSize();
            long expected = Math.multiplyExact(elements, (long) elementBytes);
            long actual = size - header.dataOffset();
            if (actual != expected) {
                throw bad(path, "the header's shape " + Arrays.toString(header.shape()) + " of "
                        + (header.float64() ? "float64" : describe(header.dtype())) + " needs " + expected
                        + " data bytes, the file has " + actual + (actual < expected ? " (truncated?)" : ""));
            }
            MemorySegment data = file.asSlice(header.dataOffset(), expected);
            if (header.float64()) {
                // The kernels read float32: the one input that is converted, into the arena (off-heap), not mapped.
                MemorySegment converted = arena.allocate(Math.max(1, elements) * Float.BYTES, Float.BYTES);
                for (long i = 0; i < elements; i++) {
                    converted.setAtIndex(ValueLayout.JAVA_FLOAT, i,
                            (float) data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i));
                }
                data = converted.asSlice(0, elements * Float.BYTES);
            }
            return new NpyFile(path, header.dtype(), header.shape(), data);
        } catch (NoSuchFileException e) {
            throw bad(path, "no such file");
        } catch (IOException e) {
            throw bad(path, "cannot read: " + e.getMessage());
        } catch (ArithmeticException e) {
            throw bad(path, "the header's shape is too large");
        }
    }

    /**
     * The parsed header: element type, shape, and where the data starts. A float64 file ({@code float64}) is read as
     * FLOAT32, converted.
     */
    record Header(DType dtype, long[] shape, long dataOffset, boolean float64) {}

    static Header parseHeader(Path path, MemorySegment file) {
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
        if (headerStart + headerLength > file.byteSize()) {
            throw bad(path, "truncated header: it announces " + headerLength + " bytes, the file has "
                    + (file.byteSize() - headerStart) + " after the length field");
        }
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
     * An .npy file being written: created as a temporary file in the target's folder and mapped read-write, its data
     * segment filled by the caller, then {@link #commit()}ted by an atomic rename. Closing without committing
     * deletes the temporary file, so that a failure never leaves a half-written output.
     */
    public static final class Output implements AutoCloseable {
        private final Path target;
        private final Path temporary;
        private final Arena arena;
        private final MemorySegment data;
        private boolean committed;

        private Output(Path target, Path temporary, Arena arena, MemorySegment data) {
            this.target = target;
            this.temporary = temporary;
            this.arena = arena;
            this.data = data;
        }

        /** Creates {@code target}'s temporary file with a header for {@code dtype} and {@code shape}. */
        public static Output create(Path target, DType dtype, long[] shape) {
            Path absolute = target.toAbsolutePath();
            Path folder = absolute.getParent();
            Path temporary = null;
            Arena arena = Arena.ofShared();
            try {
                temporary = temporaryBeside(absolute);
                byte[] header = header(dtype, shape);
                long dataBytes = Math.multiplyExact(elementCount(target, shape), (long) dtype.byteSize());
                // CREATE_NEW, not createTempFile: the file gets the umask's permissions (createTempFile's are 600,
                // which the renamed output would keep).
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, header.length + dataBytes, arena);
                    MemorySegment.copy(header, 0, file, ValueLayout.JAVA_BYTE, 0, header.length);
                    return new Output(target, temporary, arena, file.asSlice(header.length, dataBytes));
                }
            } catch (IOException | RuntimeException e) {
                arena.close();
                deleteQuietly(temporary);
                if (e instanceof IOException io) {
                    throw bad(target, "cannot write: " + (io instanceof NoSuchFileException ? "no such folder" : io.getMessage()));
                }
                throw (RuntimeException) e;
            }
        }

        /** The data region of the mapping, to be filled before {@link #commit()}. */
        public MemorySegment data() {
            return data;
        }

        /** Flushes the mapping and renames the temporary file onto the target. */
        public void commit() {
            try {
                data.force();
                arena.close();
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
                committed = true;
            } catch (IOException e) {
                throw bad(target, "cannot write: " + e.getMessage());
            }
        }

        @Override
        public void close() {
            if (!committed) {
                if (arena.scope().isAlive()) {
                    arena.close();
                }
                deleteQuietly(temporary);
            }
        }

        private static void deleteQuietly(Path path) {
            if (path != null) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // Nothing more to do: the temporary name starts with a dot and ends with .tmp.
                }
            }
        }
    }

    /** A fresh hidden name in {@code target}'s folder: ".NAME.RANDOM.tmp". */
    static Path temporaryBeside(Path target) {
        return target.getParent().resolve("." + target.getFileName() + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
    }

    private static IllegalArgumentException bad(Path path, String problem) {
        return new IllegalArgumentException(path + ": " + problem);
    }
}
