package org.dice4j.internal;

/**
 * The loss of some statistics and what its gradient needs: {@code L = λ_dice·L_dice + λ_ce·L_ce}.
 *
 * @param loss L (NaN with reduction NONE, which has no scalar loss)
 * @param countedTerms the terms that entered the reduction (all but those excluded by the empty policy)
 * @param byWeightedTerm ∂L/∂(w·ℓ) of every counted term, λ_dice included
 * @param diceLoss L_dice, before its weight
 * @param crossEntropy L_ce, before its weight; NaN without cross-entropy
 * @param byCrossEntropy ∂L/∂(one voxel's or element's cross-entropy): λ_ce over the counted voxels (or elements)
 */
public record LossValue(double loss, int countedTerms, double byWeightedTerm, double diceLoss, double crossEntropy,
        double byCrossEntropy) {}
