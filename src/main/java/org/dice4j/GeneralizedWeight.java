package org.dice4j;

/** Class weights of the generalized Dice loss (Sudre et al. 2017), from the target volume G_c of each class. */
public enum GeneralizedWeight {
    /** w_c = 1/G_c² (the paper's and MONAI's default). */
    SQUARE,
    /** w_c = 1/G_c. */
    SIMPLE,
    /** w_c = 1. */
    UNIFORM
}
