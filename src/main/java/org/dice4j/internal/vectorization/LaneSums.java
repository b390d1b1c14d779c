package org.dice4j.internal.vectorization;

import static org.dice4j.internal.vectorization.VectorConstants.LANES;

import java.util.Arrays;
import org.dice4j.internal.StatisticsPass;

/**
 * The statistics sums of one thread: float block sums per lane (what the accumulation stages add to), folded into
 * double lane sums at the end of every block; and, on the calling thread, the lane sums of every task of a pass,
 * merged in task order. Index (c × STATS + k) × LANES + lane.
 */
final class LaneSums {
    float[] blockSums = new float[0];
    double[] laneSums = new double[0];
    /** Per-task lane sums of the calling thread's pass (task × width). */
    private double[] taskSums = new double[0];

    void ensure(int classes) {
        if (blockSums.length < classes * StatisticsPass.STATS * LANES) {
            blockSums = new float[classes * StatisticsPass.STATS * LANES];
            laneSums = new double[classes * StatisticsPass.STATS * LANES];
        }
    }

    double[] taskSums(int length) {
        if (taskSums.length < length) {
            taskSums = new double[length];
        }
        return taskSums;
    }

    void clearLaneSums(int classes) {
        Arrays.fill(laneSums, 0, classes * StatisticsPass.STATS * LANES, 0.0);
    }

    void clearBlockSums(int classes) {
        Arrays.fill(blockSums, 0, classes * StatisticsPass.STATS * LANES, 0f);
    }

    /** Adds every lane of the block sums to its double lane sum. */
    void foldBlockSums(int classes) {
        for (int i = 0; i < classes * StatisticsPass.STATS * LANES; i++) {
            laneSums[i] += blockSums[i];
        }
    }

    /** Adds the lane sums of {@code tasks} tasks from {@code first}, each {@code width} long, in task order. */
    void addTasks(double[] taskSums, int first, int tasks, int width) {
        for (int task = first; task < first + tasks; task++) {
            for (int i = 0; i < width; i++) {
                laneSums[i] += taskSums[task * width + i];
            }
        }
    }

    /** Writes image n's statistics: lanes added in lane order, for results independent of reduceLanes. */
    void combineLanes(StatisticsPass pass, double[] out, long n) {
        int classes = pass.classes();
        for (int c = 0; c < classes; c++) {
            for (int k = 0; k < StatisticsPass.STATS; k++) {
                int base = (c * StatisticsPass.STATS + k) * LANES;
                double sum = 0;
                for (int lane = 0; lane < LANES; lane++) {
                    sum += laneSums[base + lane];
                }
                boolean computed = k != StatisticsPass.SOFT_INTERSECTION || pass.softIntersection();
                out[(int) ((n * classes + c) * StatisticsPass.STATS + k)] = computed ? sum : 0.0;
            }
        }
    }
}
