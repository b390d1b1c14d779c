package org.dice4j.internal.vectorization;

import org.dice4j.internal.StatisticsPass;

/**
 * One step of a chunk's processing: reads what the cursor points at and what earlier stages left in the scratch, and
 * writes the scratch, the block sums or the gradient. Every stage is a method reference of its own class (Plans), so
 * that the one call site in PassDriver#runStages stays megamorphic.
 */
@FunctionalInterface
interface Stage {
    void run(StatisticsPass pass, ChunkCursor chunk, Scratch scratch, LaneSums laneSums);
}
