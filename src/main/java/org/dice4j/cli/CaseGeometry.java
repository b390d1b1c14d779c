package org.dice4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a prediction lies where its reference lies: two NIfTI volumes whose spacings or affines differ by more
 * than {@value #TOLERANCE} (in any element) are reported, since their voxels may not be the same places even when
 * the dims agree. An .npy file has no geometry: nothing is compared.
 */
final class CaseGeometry {
    static final double TOLERANCE = 1e-4;

    private CaseGeometry() {}

    /** One message per differing property, each naming both files; empty when they agree. */
    static List<String> differences(CaseFile prediction, CaseFile reference) {
        List<String> differences = new ArrayList<>();
        if (!prediction.isNifti() || !reference.isNifti()) {
            return differences;
        }
        NiftiHeader predicted = prediction.nifti().header();
        NiftiHeader referenced = reference.nifti().header();
        int axes = Math.min(predicted.spacing().length, referenced.spacing().length);
        if (differ(Arrays.copyOf(predicted.spacing(), axes), Arrays.copyOf(referenced.spacing(), axes))) {
            differences.add(prediction.path() + ": spacing " + Arrays.toString(predicted.spacing())
                    + " differs from the reference " + reference.path() + "'s " + Arrays.toString(referenced.spacing())
                    + " by more than " + TOLERANCE);
        }
        if (differ(predicted.affine(), referenced.affine())) {
            differences.add(prediction.path() + ": affine " + Arrays.toString(predicted.affine())
                    + " differs from the reference " + reference.path() + "'s " + Arrays.toString(referenced.affine())
                    + " by more than " + TOLERANCE);
        }
        return differences;
    }

    private static boolean differ(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= TOLERANCE)) {
                return true;
            }
        }
        return false;
    }
}
