/**
 * Soft Dice-family segmentation losses (Dice, Jaccard, Tversky, focal and log forms, generalized Dice, Dice plus
 * cross-entropy), their exact gradients with respect to the logits, and the hard Dice/IoU metric. Inputs are
 * {@link org.dice4j.Tensor} views over {@link java.lang.foreign.MemorySegment}s or Java arrays, channels-first
 * {@code (N, C, spatial…)} or channels-last; a target is a dense tensor of the logits' shape or an integer label map.
 * The activation (sigmoid or softmax) is fused into one pass that computes the per-(image, class) statistics, and the
 * loss is a small function of them. A {@link org.dice4j.DiceLoss} or {@link org.dice4j.DiceMetric} is immutable and
 * thread-safe, and gives the same bits on any number of threads. With {@code --add-modules jdk.incubator.vector}
 * the Vector API kernels run; without it the scalar ones, with one warning.
 *
 * <pre>{@code
 * float[] logits = new float[2 * 3 * 64 * 64];     // (N=2, C=3, 64, 64), from your model
 * byte[] labels = new byte[2 * 64 * 64];           // (N=2, 64, 64), class indices 0..2
 * float[] gradient = new float[logits.length];     // receives ∂loss/∂logits
 * DiceLoss loss = DiceLoss.builder().activation(Activation.SOFTMAX).build();
 * LossResult result = loss.forwardBackward(Tensor.of(logits, 2, 3, 64, 64), Tensor.ofUint8(labels, 2, 64, 64),
 *         Tensor.of(gradient, 2, 3, 64, 64));
 * double value = result.loss();                    // mean over (image, class) of 1 − Dice
 * }</pre>
 */
package org.dice4j;
