package org.dice4j;

import org.dice4j.internal.Matrices;

/**
 * The outcome of a forward pass: the reduced loss, the weighted per-term losses {@code w·ℓ} and the raw
 * statistics. Terms form a rows × columns matrix: one row per image, or a single row with batch statistics; one
 * column per class, or classes 1…C−1 when the background is excluded. A term left out by
 * {@link EmptyPolicy#EXCLUDE} is NaN. Immutable.
 */
public final class LossResult {
    private final double loss;
    private final Reduction reduction;
    private final double[][] terms;
    private final int firstClass;
    private final int countedTerms;
    private final double diceLoss;
    private final double crossEntropy;
    private final Statistics statistics;

    LossResult(double loss, Reduction reduction, double[][] terms, int firstClass, int countedTerms, double diceLoss,
            double crossEntropy, Statistics statistics) {
        this.loss = loss;
        this.reduction = reduction;
        this.terms = terms;
        this.firstClass = firstClass;
        this.countedTerms = countedTerms;
        this.diceLoss = diceLoss;
        this.crossEntropy = crossEntropy;
        this.statistics = statistics;
    }

    /**
     * The reduced loss ({@link Reduction#MEAN} or {@link Reduction#SUM}).
     *
     * @return the loss
     * @throws IllegalStateException with {@link Reduction#NONE}, which has no scalar loss: use {@link #terms()}
     */
    public double loss() {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException("reduction NONE has no scalar loss: use terms()");
        }
        return loss;
    }

    /** {@return the reduction of the loss that made this result} */
    public Reduction reduction() {
        return reduction;
    }

    /** {@return a copy of the weighted terms {@code w·ℓ}, rows × columns (NaN where excluded)} */
    public double[][] terms() {
        return Matrices.copy(terms);
    }

    /**
     * One weighted term.
     *
     * @param row the image, or 0 with batch statistics
     * @param column the class minus {@link #firstClass()}, or 0 for generalized Dice
     * @return {@code w·ℓ} of the term, NaN where excluded
     * @throws ArrayIndexOutOfBoundsException outside {@link #rows()} × {@link #columns()}
     */
    public double term(int row, int column) {
        return terms[row][column];
    }

    /** {@return the rows of the terms: N, or 1 with batch statistics} */
    public int rows() {
        return terms.length;
    }

    /** {@return the columns of the terms: C, C − 1 without the background, or 1 for generalized Dice} */
    public int columns() {
        return terms.length == 0 ? 0 : terms[0].length;
    }

    /** {@return the class of column 0: 0, or 1 when the background is excluded} */
    public int firstClass() {
        return firstClass;
    }

    /** {@return how many terms entered the reduction (all but those excluded by the empty policy)} */
    public int countedTerms() {
        return countedTerms;
    }

    /**
     * The reduced Dice part {@code L_dice} alone, before its weight λ_dice (equal to {@link #loss()} with the default
     * λ_dice = 1 and no cross-entropy).
     *
     * @return the Dice part of the loss
     * @throws IllegalStateException with {@link Reduction#NONE}, as {@link #loss()}
     */
    public double diceLoss() {
        loss();
        return diceLoss;
    }

    /**
     * The cross-entropy part {@code L_ce} alone, before its weight λ_ce: the mean over unmasked voxels (softmax) or
     * elements (sigmoid); 0 when every voxel is masked; NaN when the loss has no cross-entropy (λ_ce = 0).
     *
     * @return the cross-entropy part of the loss
     */
    public double crossEntropy() {
        return crossEntropy;
    }

    /** {@return the per-(image, class) statistics the loss was computed from} */
    public Statistics statistics() {
        return statistics;
    }
}
