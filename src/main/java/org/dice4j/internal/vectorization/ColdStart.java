package org.dice4j.internal.vectorization;

import java.util.Locale;
import org.dice4j.internal.StatisticsPass;

/**
 * A vector plan and its plain-Java twin (TwinStages), which give the same bits: which of the two runs each chunk.
 * Until C2 has compiled the vector stages, their vectors are boxed objects and a chunk costs tens of times the
 * twin's; a one-shot call (the CLI) never gets past that. So chunks run the twin, and now and then the vector plan,
 * timed: a vector chunk is due once the twin chunks since the last one took {@link #TWIN_PER_VECTOR} times that
 * one's time (the samples cost at most ~1/8 of the work while the vector stages warm up). When a vector chunk takes
 * at most half the fastest twin chunk since the previous sample, every thread's later chunks run the vector plan:
 * compiled by C2, the vector plans are 5–8× faster than the twins, C1's vector code is not (switching to it cost a
 * second), and the fastest twin chunk is the twins' speed (noise only ever lengthens a time). Any mix gives the same
 * bits: chunks are independent and the twins repeat the vector stages' operations.
 *
 * <p>{@code -Ddice4j.coldStart=auto} turns the policy on; the default, {@code vector}, runs the vector plans only
 * (a training loop reaches their speed from its second call, where the policy would keep it on the twins for seconds),
 * and {@code twin} the twins only (measurements). The command line, where every call is a first call, sets
 * {@code auto} unless the user chose (Main#main).
 */
final class ColdStart {
    /** What runs the chunks: the policy above, or one of the two plans alone. */
    enum Mode {
        AUTO, VECTOR, TWIN;

        /** The mode named by {@code value}; VectorKernels' constructor checks the property (a failed load, not a pass). */
        static Mode parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "vector" -> VECTOR;
                case "twin" -> TWIN;
                default -> throw new UnsupportedOperationException("-D" + MODE_PROPERTY
                        + ": expected 'auto', 'vector' or 'twin', got '" + value + "'");
            };
        }
    }

    static final String MODE_PROPERTY = "dice4j.coldStart";
    private static final int TWIN_PER_VECTOR = 8;
    /**
     * A thread's first sample comes after this much twin work: the first vector chunk loads and initializes the
     * Vector API's classes in the interpreter (~0.4 s of a 0.5 s first call on (2,5,64³)), which a one-shot call
     * should not pay.
     */
    static final long FIRST_SAMPLE_AFTER_NANOS = 2_000_000_000L;
    /** The cursor's sample time to start from, so that the first sample is due after FIRST_SAMPLE_AFTER_NANOS. */
    static final long INITIAL_SAMPLE_NANOS = FIRST_SAMPLE_AFTER_NANOS / TWIN_PER_VECTOR;
    /** Mutable for tests of the modes' bits. */
    static volatile Mode mode = Mode.parse(System.getProperty(MODE_PROPERTY, "vector"));

    private final Stage[] vector;
    private final Stage[] twin;
    /** Set once a vector chunk was as fast as a twin chunk: the vector stages are compiled. */
    private volatile boolean vectorCompiled;

    ColdStart(Stage[] vector, Stage[] twin) {
        this.vector = vector;
        this.twin = twin;
    }

    Stage[] vector() {
        return vector;
    }

    /** Whether every chunk runs the vector plan from now on. */
    boolean vectorOnly() {
        Mode current = mode;
        return current == Mode.VECTOR || (current == Mode.AUTO && vectorCompiled);
    }

    /** Runs the located chunk through the twin or, when a sample is due, the vector plan (timed in the cursor). */
    void run(StatisticsPass pass, Workspace ws) {
        ChunkCursor chunk = ws.cursor;
        boolean sample = mode == Mode.AUTO && chunk.twinNanosSinceSample >= TWIN_PER_VECTOR * chunk.vectorSampleNanos;
        long start = System.nanoTime();
        PassDriver.runStages(pass, ws, sample ? vector : twin);
        long elapsed = System.nanoTime() - start;
        if (!sample) {
            chunk.twinNanosSinceSample += elapsed;
            chunk.fastestTwinNanos = Math.min(chunk.fastestTwinNanos, elapsed);
            return;
        }
        if (2 * elapsed <= chunk.fastestTwinNanos) {
            vectorCompiled = true;
        }
        chunk.vectorSampleNanos = elapsed;
        chunk.twinNanosSinceSample = 0;
        chunk.fastestTwinNanos = Long.MAX_VALUE;
    }
}
