package org.dice4j.conformance;

/** What a reproduced case reads off the result. */
enum Observe {
    /** The reduced loss. */
    LOSS,
    /** {@code 1 − loss}: the mean score, for upstream functions returning a score. */
    SCORE,
    /** The NONE-reduction terms, row-major. */
    TERMS
}
