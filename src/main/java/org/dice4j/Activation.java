package org.dice4j;

/** Activation fused into the statistics pass, turning logits {@code z} into probabilities {@code p}. */
public enum Activation {
    /** {@code p = 1/(1+e^-z)} per element: binary (C = 1) and multi-label. */
    SIGMOID,
    /** Softmax over the channel axis, max-subtracted: multi-class. Needs C &gt; 1. */
    SOFTMAX,
    /** {@code p = z}: the inputs already are probabilities. */
    NONE
}
