package org.dice4j.cli;

import java.nio.file.Path;
import java.util.Arrays;

/** Whether a label map fits scores only if they are (N, spatial…, C): the likely cause of a shape mismatch. */
final class ChannelsLastHint {
    private ChannelsLastHint() {}

    /** True when integer labels of shape {@code labels} are {@code scores} without their last axis, not their second. */
    static boolean fitsOnlyChannelsLast(long[] scores, boolean integerLabels, long[] labels) {
        if (!integerLabels || scores.length < 3) {
            return false;
        }
        long[] channelsFirst = new long[scores.length - 1];
        channelsFirst[0] = scores[0];
        System.arraycopy(scores, 2, channelsFirst, 1, scores.length - 2);
        long[] lastAxisDropped = Arrays.copyOf(scores, scores.length - 1);
        return !Arrays.equals(labels, channelsFirst) && Arrays.equals(labels, lastAxisDropped);
    }

    /** "the label map T of shape [..] fits the scores [..] only as (N, spatial…, C = k)". */
    static String describe(long[] scores, long[] labels, Path labelsPath, String what) {
        return "the label map " + labelsPath + " of shape " + Arrays.toString(labels) + " fits the " + what
                + " " + Arrays.toString(scores) + " only as (N, spatial…, C = " + scores[scores.length - 1] + ")";
    }

    /** The metric's refusal of channels-last scores, which it does not read. */
    static IllegalArgumentException forMetric(Path scoresPath, long[] scores, long[] labels, Path labelsPath) {
        return new IllegalArgumentException(scoresPath + ": " + describe(scores, labels, labelsPath, "scores")
                + "; the metric reads scores as (N, C, spatial…): move their class axis to axis 1");
    }
}
