package org.dice4j.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.dice4j.Tensor;

/**
 * One input file of {@code metric} or {@code eval}, whatever its format: an {@code .npy} array or a NIfTI volume
 * ({@code .nii}, {@code .nii.gz}). Its shape is in C order (a NIfTI volume's dims reversed); what its voxels mean (a
 * label map or scores) is decided by {@link CasePair} from both files of a pair.
 */
final class CaseFile {
    private final Path path;
    private final NpyFile npy;
    private final NiftiFile nifti;

    private CaseFile(Path path, NpyFile npy, NiftiFile nifti) {
        this.path = path;
        this.npy = npy;
        this.nifti = nifti;
    }

    /** True for the names this class reads: {@code .npy}, {@code .nii}, {@code .nii.gz} (any case). */
    static boolean supported(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".npy") || lower.endsWith(".nii") || lower.endsWith(".nii.gz");
    }

    /** Reads {@code path} by its name's ending into {@code arena}. */
    static CaseFile read(Path path, Arena arena) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".nii") || name.endsWith(".nii.gz")) {
            return new CaseFile(path, null, NiftiFile.read(path, arena));
        }
        return new CaseFile(path, NpyFile.read(path, arena), null);
    }

    Path path() {
        return path;
    }

    boolean isNifti() {
        return nifti != null;
    }

    /** The NIfTI volume, or null for an .npy file. */
    NiftiFile nifti() {
        return nifti;
    }

    /** The shape in C order. */
    long[] shape() {
        return nifti != null ? NiftiVoxels.shape(nifti.header()) : npy.shape();
    }

    /** True when the file stores integers (an .npy integer dtype, a NIfTI integer datatype). */
    boolean storesIntegers() {
        return nifti != null ? nifti.header().datatype().isInteger() : npy.dtype().isInteger();
    }

    /** The file's data as it is (the .npy tensor; for NIfTI, the label map or the scores by the stored type). */
    Tensor tensor(Arena arena) {
        if (nifti == null) {
            return npy.tensor();
        }
        return storesIntegers() ? labels(arena) : scores(arena);
    }

    /** The voxels as an integer label map, or an error naming the file when they are not one. */
    Tensor labels(Arena arena) {
        if (nifti != null) {
            return NiftiVoxels.labels(nifti, arena);
        }
        if (!npy.dtype().isInteger()) {
            throw new IllegalArgumentException(path + ": a label map must be an integer array (uint8, int32, int64),"
                    + " got " + npy.dtype().name().toLowerCase(Locale.ROOT));
        }
        return npy.tensor();
    }

    /** The voxels as float scores (NIfTI scaling applied). */
    Tensor scores(Arena arena) {
        return nifti != null ? NiftiVoxels.scores(nifti, arena) : npy.tensor();
    }

    /** The shape as the user knows it: NIfTI dims in NIfTI order, an .npy shape in NumPy's. */
    String describeShape() {
        if (nifti != null) {
            return "dims " + Arrays.toString(nifti.header().dims());
        }
        return "shape " + Arrays.toString(npy.shape());
    }
}
