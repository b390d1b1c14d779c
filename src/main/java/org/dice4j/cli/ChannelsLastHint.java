package org.dice4j.cli;

import java.util.Arrays;

/** Whether a label map fits scores only if they are (N, spatial…, C): the likely cause of a shape mismatch. */
final class ChannelsLastHint {
    private ChannelsLastHint() {}

    /** True when {@code labels} is {@code scores} without their last axis but not without their second. */
    static boolean fitsOnlyChannelsLast(long[] scores, NpyFile labels) {
        if (!labels.dtype().isInteger() || scores.length < 3) {
            return false;
        }
        long[] channelsFirst = new long[scores.length - 1];
        channelsFirst[0] = scores[0];
        System.arraycopy(scores, 2, channelsFirst, 1, scores.length - 2);
        long[] lastAxisDropped = Arrays.copyOf(scores, scores.length - 1);
        return !Arrays.equals(labels.shape(), channelsFirst) && Arrays.equals(labels.shape(), lastAxisDropped);
    }

    /** "the label map T of shape [..] fits the scores [..] only as (N, spatial…, C = k)". */
    static String describe(long[] scores, NpyFile labels, String what) {
        return "the label map " + labels.path() + " of shape " + Arrays.toString(labels.shape()) + " fits the " + what
                + " " + Arrays.toString(scores) + " only as (N, spatial…, C = " + scores[scores.length - 1] + ")";
    }
}
