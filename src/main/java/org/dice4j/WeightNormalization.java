package org.dice4j;

/** Denominator of a {@link Reduction#MEAN} over weighted terms. */
public enum WeightNormalization {
    /** {@code Σ w·ℓ / number of terms} (MONAI). */
    COUNT,
    /** {@code Σ w·ℓ / Σ w} over the counted terms (kornia's {@code average='macro'}). */
    WEIGHT_SUM
}
