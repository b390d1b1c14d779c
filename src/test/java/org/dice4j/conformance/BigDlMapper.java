package org.dice4j.conformance;

import com.google.gson.JsonObject;
import java.util.Set;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import org.dice4j.Reduction;

/** BigDL's {@code DiceCoefficientCriterion} cases, with their expected loss and input gradient. */
final class BigDlMapper {

    private BigDlMapper() {
    }

    static Plan plan(JsonObject c) {
        String loss = c.get("loss").getAsString();
        if (!loss.startsWith("DiceCoefficientCriterion[Float](sizeAverage=true")) {
            throw new IllegalArgumentException("unexpected BigDL loss " + loss);
        }
        JsonObject p = c.getAsJsonObject("params");
        Json.requireKnownKeys(p, Set.of("epsilon"));
        double epsilon = p.get("epsilon").getAsDouble();
        JsonObject in = c.getAsJsonObject("inputs");
        Nd input = Nd.of(in.get("input"));
        Nd target = Nd.of(in.get("target"));
        // A vector is one row; a matrix has one row per sample: rows are our images, C = 1, the row's elements
        // our voxels. 1 − (2I + ε)/(P + G + ε) per row, averaged over rows (sizeAverage).
        long[] shape = input.rank() == 1 ? new long[] {1, 1, input.size()}
                : new long[] {input.shape()[0], 1, input.shape()[1]};
        DiceLoss dice = DiceLoss.builder().activation(Activation.NONE).smooth(epsilon).reduction(Reduction.MEAN)
                .build();
        JsonObject expected = c.getAsJsonObject("expected");
        return new LossRun(dice, input.reshape(shape).float32(), target.reshape(shape).float32(), Observe.LOSS,
                new double[] {expected.get("loss").getAsDouble()}, Tolerance.of(c.getAsJsonObject("tolerance")),
                Nd.of(expected.get("gradInput")).data());
    }
}
