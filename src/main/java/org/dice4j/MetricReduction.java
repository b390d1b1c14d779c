package org.dice4j;

/** How the per-(image, class) hard Dice and IoU values are combined; NaN entries (empty targets) are skipped. */
public enum MetricReduction {
    /** Mean over the classes of each image, then over the images: one value. */
    MEAN,
    /** Mean over the images, per class: one value per class column. */
    MEAN_BATCH,
    /** No reduction: the matrix. */
    NONE
}
