package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Loss and metric objects are immutable and shared: many threads calling them at once on different inputs get
 * exactly the bits of sequential calls (each thread has its own kernel workspace).
 */
class ThreadSafetyTest {

    private record Case(Tensor logits, Tensor labels, double loss, float[] gradient, long[][] intersection) {}

    @Test
    void concurrentCallsOnSharedObjectsGiveTheSequentialBits() throws Exception {
        DiceLoss loss = DiceLoss.builder().ignoreIndex(255).includeBackground(false).build();
        DiceMetric metric = DiceMetric.builder().ignoreIndex(255).reduction(MetricReduction.NONE).build();
        List<Case> cases = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            int voxels = 500 + 97 * k;
            float[] z = new float[2 * 4 * voxels];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) Math.sin(i * 0.37 + k) * 5;
            }
            byte[] labels = new byte[2 * voxels];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (byte) (i % 11 == 0 ? 255 : (i * (k + 3)) % 4);
            }
            Tensor logits = Tensor.of(z, 2, 4, voxels);
            Tensor target = Tensor.ofUint8(labels, 2, voxels);
            float[] gradient = new float[z.length];
            double value = loss.lossValueAndGradient(logits, target, Tensor.of(gradient, 2, 4, voxels));
            cases.add(new Case(logits, target, value, gradient, metric.compute(logits, target).intersection()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int task = 0; task < 120; task++) {
                Case c = cases.get(task % cases.size());
                futures.add(pool.submit(() -> {
                    long[] shape = c.logits().shape();
                    float[] gradient = new float[c.gradient().length];
                    double value = loss.lossValueAndGradient(c.logits(), c.labels(), Tensor.of(gradient, shape));
                    assertEquals(c.loss(), value);
                    assertEquals(c.loss(), loss.forward(c.logits(), c.labels()).loss());
                    assertArrayEquals(c.gradient(), gradient);
                    long[][] intersection = metric.compute(c.logits(), c.labels()).intersection();
                    for (int n = 0; n < intersection.length; n++) {
                        assertArrayEquals(c.intersection()[n], intersection[n]);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
