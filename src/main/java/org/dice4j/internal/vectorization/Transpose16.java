package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.VectorConstants.FLOATS;
import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * 16 × 16 transposes of float lanes in registers, for channels-last chunks of at most 16 classes: four butterfly
 * stages of two-vector {@code selectFrom}s (64 per block). A 16-lane gather per class and 16 voxels, after a bulk copy,
 * cost three times as much (1.65 against 0.55 µs per chunk of 256 voxels × 14 classes in cache, throwaway harness).
 */
final class Transpose16 {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /**
     * Stage s swaps h × h blocks, h = 8 >> s: rows i and i + h become (row i's lanes with bit h clear, then row i + h's)
     * and (row i's lanes with bit h set, then row i + h's). Indexes ≥ 16 select from the second vector.
     */
    private static final float[][] FIRST = new float[4][16];
    private static final float[][] SECOND = new float[4][16];

    static {
        for (int stage = 0; stage < 4; stage++) {
            int h = 8 >> stage;
            for (int lane = 0; lane < 16; lane++) {
                FIRST[stage][lane] = (lane & h) == 0 ? lane : 16 + lane - h;
                SECOND[stage][lane] = (lane & h) == 0 ? lane + h : 16 + lane;
            }
        }
    }

    private Transpose16() {
    }

    /** Whether the chunks of {@code classes} classes can be transposed here. */
    static boolean supports(int classes) {
        return LANES == 16 && classes <= 16;
    }

    /**
     * Transposes the 16 × 16 blocks {@code firstBlock} to {@code firstBlock + blocks − 1}. Row k of block b is the 16 floats at byte
     * {@code fromStart + fromRows[16b + k]} of {@code from}; it becomes lane k of every row of the output block, whose
     * row l is written at byte {@code toStart + toRows[16b + l]} of {@code to}. The row tables let the rows lie
     * anywhere: one line of each of 16 regions, or the vectors of the planar staging.
     *
     * <p>Over 40 lines on purpose: the 16 rows and 8 index vectors must stay in registers across the blocks, and a
     * method per block or per stage reloaded them (measured 2x slower per chunk, throwaway harness).
     */
    static void transpose(MemorySegment from, long fromStart, long[] fromRows, MemorySegment to, long toStart,
            long[] toRows, int firstBlock, int blocks) {
        FloatVector f0 = FloatVector.fromArray(FLOATS, FIRST[0], 0);
        FloatVector s0 = FloatVector.fromArray(FLOATS, SECOND[0], 0);
        FloatVector f1 = FloatVector.fromArray(FLOATS, FIRST[1], 0);
        FloatVector s1 = FloatVector.fromArray(FLOATS, SECOND[1], 0);
        FloatVector f2 = FloatVector.fromArray(FLOATS, FIRST[2], 0);
        FloatVector s2 = FloatVector.fromArray(FLOATS, SECOND[2], 0);
        FloatVector f3 = FloatVector.fromArray(FLOATS, FIRST[3], 0);
        FloatVector s3 = FloatVector.fromArray(FLOATS, SECOND[3], 0);
        for (int block = firstBlock; block < firstBlock + blocks; block++) {
            int row = block * 16;
            FloatVector r0 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 0], NATIVE);
            FloatVector r1 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 1], NATIVE);
            FloatVector r2 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 2], NATIVE);
            FloatVector r3 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 3], NATIVE);
            FloatVector r4 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 4], NATIVE);
            FloatVector r5 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 5], NATIVE);
            FloatVector r6 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 6], NATIVE);
            FloatVector r7 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 7], NATIVE);
            FloatVector r8 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 8], NATIVE);
            FloatVector r9 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 9], NATIVE);
            FloatVector r10 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 10], NATIVE);
            FloatVector r11 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 11], NATIVE);
            FloatVector r12 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 12], NATIVE);
            FloatVector r13 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 13], NATIVE);
            FloatVector r14 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 14], NATIVE);
            FloatVector r15 = FloatVector.fromMemorySegment(FLOATS, from, fromStart + fromRows[row + 15], NATIVE);
            FloatVector t;
            t = f0.selectFrom(r0, r8); r8 = s0.selectFrom(r0, r8); r0 = t;
            t = f0.selectFrom(r1, r9); r9 = s0.selectFrom(r1, r9); r1 = t;
            t = f0.selectFrom(r2, r10); r10 = s0.selectFrom(r2, r10); r2 = t;
            t = f0.selectFrom(r3, r11); r11 = s0.selectFrom(r3, r11); r3 = t;
            t = f0.selectFrom(r4, r12); r12 = s0.selectFrom(r4, r12); r4 = t;
            t = f0.selectFrom(r5, r13); r13 = s0.selectFrom(r5, r13); r5 = t;
            t = f0.selectFrom(r6, r14); r14 = s0.selectFrom(r6, r14); r6 = t;
            t = f0.selectFrom(r7, r15); r15 = s0.selectFrom(r7, r15); r7 = t;
            t = f1.selectFrom(r0, r4); r4 = s1.selectFrom(r0, r4); r0 = t;
            t = f1.selectFrom(r1, r5); r5 = s1.selectFrom(r1, r5); r1 = t;
            t = f1.selectFrom(r2, r6); r6 = s1.selectFrom(r2, r6); r2 = t;
            t = f1.selectFrom(r3, r7); r7 = s1.selectFrom(r3, r7); r3 = t;
            t = f1.selectFrom(r8, r12); r12 = s1.selectFrom(r8, r12); r8 = t;
            t = f1.selectFrom(r9, r13); r13 = s1.selectFrom(r9, r13); r9 = t;
            t = f1.selectFrom(r10, r14); r14 = s1.selectFrom(r10, r14); r10 = t;
            t = f1.selectFrom(r11, r15); r15 = s1.selectFrom(r11, r15); r11 = t;
            t = f2.selectFrom(r0, r2); r2 = s2.selectFrom(r0, r2); r0 = t;
            t = f2.selectFrom(r1, r3); r3 = s2.selectFrom(r1, r3); r1 = t;
            t = f2.selectFrom(r4, r6); r6 = s2.selectFrom(r4, r6); r4 = t;
            t = f2.selectFrom(r5, r7); r7 = s2.selectFrom(r5, r7); r5 = t;
            t = f2.selectFrom(r8, r10); r10 = s2.selectFrom(r8, r10); r8 = t;
            t = f2.selectFrom(r9, r11); r11 = s2.selectFrom(r9, r11); r9 = t;
            t = f2.selectFrom(r12, r14); r14 = s2.selectFrom(r12, r14); r12 = t;
            t = f2.selectFrom(r13, r15); r15 = s2.selectFrom(r13, r15); r13 = t;
            t = f3.selectFrom(r0, r1); r1 = s3.selectFrom(r0, r1); r0 = t;
            t = f3.selectFrom(r2, r3); r3 = s3.selectFrom(r2, r3); r2 = t;
            t = f3.selectFrom(r4, r5); r5 = s3.selectFrom(r4, r5); r4 = t;
            t = f3.selectFrom(r6, r7); r7 = s3.selectFrom(r6, r7); r6 = t;
            t = f3.selectFrom(r8, r9); r9 = s3.selectFrom(r8, r9); r8 = t;
            t = f3.selectFrom(r10, r11); r11 = s3.selectFrom(r10, r11); r10 = t;
            t = f3.selectFrom(r12, r13); r13 = s3.selectFrom(r12, r13); r12 = t;
            t = f3.selectFrom(r14, r15); r15 = s3.selectFrom(r14, r15); r14 = t;
            r0.intoMemorySegment(to, toStart + toRows[row + 0], NATIVE);
            r1.intoMemorySegment(to, toStart + toRows[row + 1], NATIVE);
            r2.intoMemorySegment(to, toStart + toRows[row + 2], NATIVE);
            r3.intoMemorySegment(to, toStart + toRows[row + 3], NATIVE);
            r4.intoMemorySegment(to, toStart + toRows[row + 4], NATIVE);
            r5.intoMemorySegment(to, toStart + toRows[row + 5], NATIVE);
            r6.intoMemorySegment(to, toStart + toRows[row + 6], NATIVE);
            r7.intoMemorySegment(to, toStart + toRows[row + 7], NATIVE);
            r8.intoMemorySegment(to, toStart + toRows[row + 8], NATIVE);
            r9.intoMemorySegment(to, toStart + toRows[row + 9], NATIVE);
            r10.intoMemorySegment(to, toStart + toRows[row + 10], NATIVE);
            r11.intoMemorySegment(to, toStart + toRows[row + 11], NATIVE);
            r12.intoMemorySegment(to, toStart + toRows[row + 12], NATIVE);
            r13.intoMemorySegment(to, toStart + toRows[row + 13], NATIVE);
            r14.intoMemorySegment(to, toStart + toRows[row + 14], NATIVE);
            r15.intoMemorySegment(to, toStart + toRows[row + 15], NATIVE);
        }
    }
}
