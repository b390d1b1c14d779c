package org.dice4j;

/** How the weighted terms {@code w·ℓ} are combined. */
public enum Reduction {
    /** Weighted mean, normalized by {@link WeightNormalization}. */
    MEAN,
    /** Sum of the counted terms. */
    SUM,
    /** No reduction: the matrix of terms. */
    NONE
}
