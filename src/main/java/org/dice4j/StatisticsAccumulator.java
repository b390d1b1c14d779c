package org.dice4j;

import java.util.Objects;
import org.dice4j.internal.StatisticsTable;

/**
 * Statistics summed tile by tile: the tiles of a volume too large for one call (sliding-window inference), the
 * micro-batches of a batch, or the partial statistics of several workers. Every statistic is a sum over voxels, so
 * tiles that cover an input without overlap give the input's statistics, and {@link #result()} its loss (within the
 * rounding of the different summation order: each tile's sums are exact to float accumulation, their sum is taken in
 * double; tiles of whole images give the bits of one call). The gradient of each tile then comes from
 * {@link DiceLoss#tileGradient} with {@link #statistics()}.
 *
 * <p>Made by {@link DiceLoss#accumulator}. Not thread-safe: give each worker its own and {@link #add(Statistics, int)}
 * their statistics together, or sum them with {@link Statistics#plus}.
 */
public final class StatisticsAccumulator {
    private final DiceLoss loss;
    private final int images;
    private final int classes;
    private final StatisticsTable sums;
    private final Statistics.Kind kind;

    StatisticsAccumulator(DiceLoss loss, int images, int classes) {
        checkSize("accumulator", images, classes);
        this.loss = loss;
        this.images = images;
        this.classes = classes;
        this.sums = StatisticsTable.zeros(images, classes);
        this.kind = loss.kindFor(classes);
    }

    /** Statistics of {@code images × classes} terms fit a loss's limits, or the error names {@code name}. */
    static void checkSize(String name, int images, int classes) {
        if (images < 1 || classes < 1 || classes > DiceLoss.MAX_CLASSES
                || (long) images * classes > DiceLoss.MAX_TERMS) {
            throw new IllegalArgumentException(name + ": expected 1 ≤ images, 1 ≤ classes ≤ "
                    + DiceLoss.MAX_CLASSES + " and at most " + DiceLoss.MAX_TERMS + " terms (the loss's limits), got "
                    + images + " × " + classes);
        }
    }

    /**
     * Adds the statistics of a tile holding images {@code firstImage … firstImage + N − 1}.
     *
     * @param logits the tile's logits, as for {@link DiceLoss#forward}
     * @param target the tile's target, as for {@link DiceLoss#forward}
     * @param firstImage the accumulator's image that is the tile's image 0
     * @return this accumulator
     * @throws IllegalArgumentException as {@link DiceLoss#forward} and {@link #add(Statistics, int)}
     */
    public StatisticsAccumulator add(Tensor logits, Tensor target, int firstImage) {
        return add(loss.statistics(logits, target), firstImage);
    }

    /**
     * Adds statistics computed elsewhere (another tile, another worker) for images {@code firstImage …}.
     *
     * @param tile the statistics to add, of the loss's kind and the accumulator's class count
     * @param firstImage the accumulator's image that is the tile's image 0
     * @return this accumulator
     * @throws IllegalArgumentException for another class count or kind of statistics, or images out of range
     * @throws NullPointerException for null statistics
     */
    public StatisticsAccumulator add(Statistics tile, int firstImage) {
        Objects.requireNonNull(tile, "tile");
        if (tile.classes() != classes) {
            throw new IllegalArgumentException("tile: expected C = " + classes + ", got " + tile.classes());
        }
        if (!tile.kind().equals(kind)) {
            throw new IllegalArgumentException("tile: expected sums of kind [" + kind + "], got [" + tile.kind() + "]");
        }
        if (firstImage < 0 || firstImage + tile.images() > images) {
            throw new IllegalArgumentException("firstImage: images " + firstImage + " … " + (firstImage + tile.images() - 1)
                    + " of the tile are outside the accumulator's 0 … " + (images - 1));
        }
        sums.add(tile.table(), firstImage);
        return this;
    }

    /** {@return the statistics summed so far (a copy)} */
    public Statistics statistics() {
        return new Statistics(sums.copy(), kind);
    }

    /** {@return the loss of the statistics summed so far: {@link DiceLoss#loss(Statistics)}} */
    public LossResult result() {
        return loss.loss(statistics());
    }
}
