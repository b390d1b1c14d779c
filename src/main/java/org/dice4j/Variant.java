package org.dice4j;

/** The overlap score of each (image, class) term. */
public enum Variant {
    /** {@code (2I + s_nr) / (P + G + s_dr)}. */
    DICE,
    /** {@code (I + s_nr) / (P + G − I + s_dr)}. */
    JACCARD,
    /** {@code (I + s_nr) / (I + α(P − I) + β(G − I) + s_dr)}. */
    TVERSKY
}
