package org.dice4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A NIfTI-1 or NIfTI-2 writer for tests, written from the standards' field tables (not from the reader): any byte
 * order, datatype, dims, scaling and extension length, gzip-compressed or not. Values are stored as given (raw,
 * before scaling), in file order (x fastest).
 */
record NiftiWriter(int version, ByteOrder order, NiftiDatatype datatype, long[] dims, double slope, double intercept,
        int extensionBytes, double[] spacing) {

    static NiftiWriter of(NiftiDatatype datatype, long... dims) {
        return new NiftiWriter(1, ByteOrder.LITTLE_ENDIAN, datatype, dims, 0, 0, 0, new double[] {1, 1, 1});
    }

    NiftiWriter version(int newVersion) {
        return new NiftiWriter(newVersion, order, datatype, dims, slope, intercept, extensionBytes, spacing);
    }

    NiftiWriter order(ByteOrder newOrder) {
        return new NiftiWriter(version, newOrder, datatype, dims, slope, intercept, extensionBytes, spacing);
    }

    NiftiWriter scaling(double newSlope, double newIntercept) {
        return new NiftiWriter(version, order, datatype, dims, newSlope, newIntercept, extensionBytes, spacing);
    }

    NiftiWriter extension(int bytes) {
        return new NiftiWriter(version, order, datatype, dims, slope, intercept, bytes, spacing);
    }

    NiftiWriter spacing(double... newSpacing) {
        return new NiftiWriter(version, order, datatype, dims, slope, intercept, extensionBytes, newSpacing);
    }

    /** The whole file: header, extension flag (and one extension of the given length), voxels. */
    byte[] bytes(double[] values) {
        int headerSize = version == 1 ? 348 : 540;
        int extension = extensionBytes == 0 ? 0 : (extensionBytes + 8 + 15) / 16 * 16;
        long voxOffset = headerSize + 4 + extension;
        ByteBuffer file = ByteBuffer.allocate((int) voxOffset + values.length * datatype.byteSize()).order(order);
        if (version == 1) {
            header1(file, voxOffset);
        } else {
            header2(file, voxOffset);
        }
        file.position(headerSize);
        file.put((byte) (extension == 0 ? 0 : 1)).put((byte) 0).put((byte) 0).put((byte) 0);
        if (extension > 0) {
            file.putInt(extension).putInt(6);
            file.position((int) voxOffset);
        }
        for (double value : values) {
            switch (datatype) {
                case UINT8, INT8 -> file.put((byte) (long) value);
                case INT16, UINT16 -> file.putShort((short) (long) value);
                case INT32, UINT32 -> file.putInt((int) (long) value);
                case INT64 -> file.putLong((long) value);
                case FLOAT32 -> file.putFloat((float) value);
                case FLOAT64 -> file.putDouble(value);
            }
        }
        return file.array();
    }

    private void header1(ByteBuffer file, long voxOffset) {
        file.putInt(0, 348);
        file.putShort(40, (short) dims.length);
        for (int i = 0; i < dims.length; i++) {
            file.putShort(42 + 2 * i, (short) dims[i]);
        }
        file.putShort(70, (short) datatype.code()).putShort(72, (short) (8 * datatype.byteSize()));
        file.putFloat(76, 1);
        for (int i = 0; i < spacing.length; i++) {
            file.putFloat(80 + 4 * i, (float) spacing[i]);
        }
        file.putFloat(108, voxOffset).putFloat(112, (float) slope).putFloat(116, (float) intercept);
        file.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
    }

    private void header2(ByteBuffer file, long voxOffset) {
        file.putInt(0, 540);
        byte[] magic = {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'};
        file.put(4, magic);
        file.putShort(12, (short) datatype.code()).putShort(14, (short) (8 * datatype.byteSize()));
        file.putLong(16, dims.length);
        for (int i = 0; i < dims.length; i++) {
            file.putLong(24 + 8 * i, dims[i]);
        }
        file.putDouble(104, 1);
        for (int i = 0; i < spacing.length; i++) {
            file.putDouble(112 + 8 * i, spacing[i]);
        }
        file.putLong(168, voxOffset).putDouble(176, slope).putDouble(184, intercept);
    }

    /** Writes the file, gzip-compressed when {@code gzip}. */
    Path write(Path path, boolean gzip, double[] values) {
        try {
            Files.write(path, gzip ? gzip(bytes(values)) : bytes(values));
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
