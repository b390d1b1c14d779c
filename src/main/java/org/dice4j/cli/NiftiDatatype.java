package org.dice4j.cli;

import java.util.Locale;

/** The NIfTI {@code datatype} codes dice4j reads: the integer and real types of one value per voxel. */
enum NiftiDatatype {
    UINT8(2, 1, true),
    INT16(4, 2, true),
    INT32(8, 4, true),
    FLOAT32(16, 4, false),
    FLOAT64(64, 8, false),
    INT8(256, 1, true),
    UINT16(512, 2, true),
    UINT32(768, 4, true),
    INT64(1024, 8, true);

    private final int code;
    private final int byteSize;
    private final boolean integer;

    NiftiDatatype(int code, int byteSize, boolean integer) {
        this.code = code;
        this.byteSize = byteSize;
        this.integer = integer;
    }

    int code() {
        return code;
    }

    int byteSize() {
        return byteSize;
    }

    boolean isInteger() {
        return integer;
    }

    /** The type of {@code code}, or an error naming it (complex, RGB and 128-bit types are not volumes of values). */
    static NiftiDatatype of(int code) {
        for (NiftiDatatype type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("datatype " + code + " is not supported (expected uint8 2, int8 256, int16 4,"
                + " uint16 512, int32 8, uint32 768, int64 1024, float32 16 or float64 64)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
