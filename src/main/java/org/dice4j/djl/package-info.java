/**
 * Training with DJL (Deep Java Library, PyTorch engine): {@link org.dice4j.djl.DjlDiceLoss}, a DJL
 * {@code Loss} computed by a {@link org.dice4j.DiceLoss} with its exact gradient, and
 * {@link org.dice4j.djl.DjlDiceEvaluator}, the hard Dice/IoU metric as a DJL {@code Evaluator}. DJL is an optional
 * dependency of dice4j: add {@code ai.djl:api} and a PyTorch engine to use this package; the rest of the library
 * works without them.
 *
 * <pre>{@code
 * DiceLoss dice = DiceLoss.builder().activation(Activation.SOFTMAX).ignoreIndex(255)
 *         .lambdaDice(1).lambdaCrossEntropy(1).build();
 * TrainingConfig config = new DefaultTrainingConfig(new DjlDiceLoss(dice))
 *         .addEvaluator(DjlDiceEvaluator.dice(DiceMetric.builder().ignoreIndex(255).build()));
 * }</pre>
 */
package org.dice4j.djl;
