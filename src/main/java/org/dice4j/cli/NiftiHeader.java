package org.dice4j.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header of a single-file NIfTI-1 ({@code n+1}, 348 bytes) or NIfTI-2 ({@code n+2}, 540 bytes) volume, checked:
 * the byte order is the one in which {@code sizeof_hdr} reads 348 or 540; {@code dim[0]} in 1..7 and every used
 * {@code dim} ≥ 1; a known {@code datatype} whose {@code bitpix} agrees; a whole {@code vox_offset} past the header
 * and its 4 extension bytes. Field offsets are those of the NIfTI-1 and NIfTI-2 standards ({@code nifti1.h},
 * {@code nifti2.h}).
 *
 * @param dims the sizes of the used axes, in NIfTI order (x fastest in the file)
 * @param slope the value scaling {@code scl_slope}: 1 with {@code intercept} 0 when the file has none (slope 0 or
 *     not finite, as the standard says)
 * @param spacing {@code pixdim[1..3]} of the spatial axes the volume has
 * @param affine the voxel-to-world matrix's first three rows (row-major 3 × 4): the sform if {@code sform_code} >
 *     0, else the qform if {@code qform_code} > 0, else the spacing on the diagonal
 */
record NiftiHeader(int version, ByteOrder order, long[] dims, NiftiDatatype datatype, long voxOffset, double slope,
        double intercept, double[] spacing, double[] affine) {
    static final int NIFTI1_SIZE = 348;
    static final int NIFTI2_SIZE = 540;
    private static final byte[] NIFTI2_MAGIC_TAIL = {'\r', '\n', 0x1a, '\n'};

    /** Bytes of the voxels: the product of the dims times the datatype's size. */
    long dataBytes() {
        long bytes = datatype.byteSize();
        for (long size : dims) {
            bytes = Math.multiplyExact(bytes, size);
        }
        return bytes;
    }

    /** True when reading applies no scaling. */
    boolean unscaled() {
        return slope == 1 && intercept == 0;
    }

    /** The byte order of a header whose first four bytes are {@code first}, or null when it is not NIfTI. */
    static ByteOrder order(MemorySegment first) {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            int size = first.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0);
            if (size == NIFTI1_SIZE || size == NIFTI2_SIZE) {
                return order;
            }
        }
        return null;
    }

    /** Parses {@code header} (at least 348 or 540 bytes as its {@code sizeof_hdr} says), or says what is wrong. */
    static NiftiHeader parse(MemorySegment header) {
        ByteOrder order = order(header);
        if (order == null) {
            throw new IllegalArgumentException("not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
        }
        Fields fields = new Fields(header, order);
        return fields.getInt(0) == NIFTI1_SIZE ? nifti1(fields) : nifti2(fields);
    }

    private static NiftiHeader nifti1(Fields f) {
        String magic = f.text(344, 4);
        if (!magic.equals("n+1\0")) {
            throw new IllegalArgumentException(magic.equals("ni1\0")
                    ? "the header of a .hdr/.img pair: only single-file NIfTI (.nii, .nii.gz) is read"
                    : "not a NIfTI-1 file (magic " + Excerpt.of(magic) + ", expected n+1)");
        }
        long[] allDims = f.shorts(40, 8);
        double[] pixdim = f.floats(76, 8);
        double voxOffset = f.getFloat(108);
        double[] quaternion = f.floats(256, 6);
        double[] srow = f.floats(280, 12);
        return build(1, f, allDims, f.getShort(70), f.getShort(72), voxOffset, f.getFloat(112), f.getFloat(116), pixdim,
                new NiftiOrientation(f.getShort(252), quaternion, f.getShort(254), srow));
    }

    private static NiftiHeader nifti2(Fields f) {
        String magic = f.text(4, 4);
        boolean tail = Arrays.equals(f.bytes(8, 4), NIFTI2_MAGIC_TAIL);
        if (!magic.equals("n+2\0") || !tail) {
            throw new IllegalArgumentException(magic.equals("ni2\0")
                    ? "the header of a .hdr/.img pair: only single-file NIfTI (.nii, .nii.gz) is read"
                    : "not a NIfTI-2 file (magic " + Excerpt.of(magic) + ", expected n+2 and \\r\\n\\x1a\\n)");
        }
        long[] allDims = f.longs(16, 8);
        double[] pixdim = f.doubles(104, 8);
        double[] quaternion = f.doubles(352, 6);
        double[] srow = f.doubles(400, 12);
        return build(2, f, allDims, f.getShort(12), f.getShort(14), f.getLong(168), f.getDouble(176), f.getDouble(184),
                pixdim, new NiftiOrientation(f.getInt(344), quaternion, f.getInt(348), srow));
    }

    /** The checks and derived fields common to both versions. */
    private static NiftiHeader build(int version, Fields f, long[] allDims, int datatypeCode, int bitpix,
            double voxOffset, double slope, double intercept, double[] pixdim, NiftiOrientation orientation) {
        long rank = allDims[0];
        if (rank < 1 || rank > 7) {
            throw new IllegalArgumentException("dim[0] = " + rank + ": expected 1 to 7 axes");
        }
        long[] dims = Arrays.copyOfRange(allDims, 1, 1 + (int) rank);
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis] <= 0) {
                throw new IllegalArgumentException("dim[" + (axis + 1) + "] = " + dims[axis] + ": expected a size ≥ 1");
            }
        }
        NiftiDatatype datatype = NiftiDatatype.of(datatypeCode);
        if (bitpix != 8 * datatype.byteSize()) {
            throw new IllegalArgumentException("bitpix " + bitpix + " does not match datatype " + datatype + " ("
                    + 8 * datatype.byteSize() + " bits)");
        }
        long headerEnd = (version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE) + 4L;
        if (!(voxOffset >= headerEnd) || voxOffset != Math.rint(voxOffset) || voxOffset > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("vox_offset " + voxOffset + ": expected a whole number ≥ " + headerEnd
                    + " (the header and its extension flag)");
        }
        boolean scaled = slope != 0 && Double.isFinite(slope);
        if (scaled && !Double.isFinite(intercept)) {
            throw new IllegalArgumentException("scl_slope " + slope + " with a scl_inter that is not finite: " + intercept);
        }
        double[] spacing = Arrays.copyOfRange(pixdim, 1, 1 + (int) Math.min(rank, 3));
        return new NiftiHeader(version, f.order(), dims, datatype, (long) voxOffset, scaled ? slope : 1,
                scaled ? intercept : 0, spacing, orientation.affine(pixdim));
    }

    /** Reads fields of one byte order at the standards' offsets. */
    private record Fields(MemorySegment header, ByteOrder order) {
        int getShort(long offset) {
            return header.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset);
        }

        int getInt(long offset) {
            return header.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset);
        }

        long getLong(long offset) {
            return header.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), offset);
        }

        double getFloat(long offset) {
            return header.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset);
        }

        double getDouble(long offset) {
            return header.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset);
        }

        long[] shorts(long offset, int count) {
            return java.util.stream.LongStream.range(0, count).map(i -> getShort(offset + 2 * i)).toArray();
        }

        long[] longs(long offset, int count) {
            return java.util.stream.LongStream.range(0, count).map(i -> getLong(offset + 8 * i)).toArray();
        }

        double[] floats(long offset, int count) {
            return java.util.stream.IntStream.range(0, count).mapToDouble(i -> getFloat(offset + 4L * i)).toArray();
        }

        double[] doubles(long offset, int count) {
            return java.util.stream.IntStream.range(0, count).mapToDouble(i -> getDouble(offset + 8L * i)).toArray();
        }

        byte[] bytes(long offset, int length) {
            return header.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        }

        String text(long offset, int length) {
            return new String(bytes(offset, length), StandardCharsets.ISO_8859_1);
        }
    }
}
