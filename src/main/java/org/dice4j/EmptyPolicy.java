package org.dice4j;

/** What a term whose target is empty ({@code G = 0}) contributes. */
public enum EmptyPolicy {
    /** Computed as usual (MONAI's behaviour). */
    INCLUDE,
    /** Its loss is 0, but it still counts in the mean (segmentation_models.pytorch). */
    ZERO,
    /** Left out of the reduction; NaN in a NONE reduction; a loss with no term left is 0. */
    EXCLUDE
}
