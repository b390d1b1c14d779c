package org.dice4j;

/** Position of the channel axis in a logits tensor. */
public enum Layout {
    /** {@code (N, C, s1, …, sk)}: PyTorch's default. */
    CHANNELS_FIRST,
    /** {@code (N, s1, …, sk, C)}: TensorFlow/Keras and PyTorch {@code channels_last} (DiceLoss; not yet DiceMetric). */
    CHANNELS_LAST
}
