package org.dice4j.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The plan of every upstream case, in file order, each from the mapper of its library (chosen by the id). */
final class CasePlans {

    static final String RESOURCE = "/conformance/upstream-vectors.json";

    private CasePlans() {
    }

    /** Every case id with its plan; a mapping that throws, or a repeated id, becomes {@link Broken}. */
    static Map<String, Plan> plans() {
        JsonObject root = Json.load(RESOURCE);
        JsonObject fixtures = root.getAsJsonObject("fixtures");
        Map<String, Plan> plans = new LinkedHashMap<>();
        JsonObject previous = null;
        for (JsonElement element : root.getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            String id = c.get("id").getAsString();
            Plan plan;
            try {
                plan = plan(c, fixtures, previous);
            } catch (RuntimeException e) {
                plan = new Broken(e);
            }
            if (plans.put(id, plan) != null) {
                plans.put(id, new Broken(new IllegalStateException("duplicate case id " + id)));
            }
            previous = c;
        }
        return plans;
    }

    /** The plan of one case; {@code previous} is the case before it (kornia's "as above"). */
    private static Plan plan(JsonObject c, JsonObject fixtures, JsonObject previous) {
        String id = c.get("id").getAsString();
        if (id.startsWith("MONAI-DCE-")) {
            return MonaiDiceCrossEntropyMapper.plan(c, fixtures);
        }
        if (id.startsWith("MONAI-MEANDICE-")) {
            return MonaiMeanDiceMapper.plan(c, fixtures);
        }
        if (id.startsWith("MONAI-MDL-")) {
            return new Skip("MONAI MaskedDiceLoss multiplies the logits by the mask before the activation (a"
                    + " masked voxel still counts sigmoid(0) = 0.5); our ignore mask removes voxels after the"
                    + " activation: a documented convention difference, not a target");
        }
        if (id.startsWith("MONAI-")) {
            return MonaiLossMapper.plan(c, fixtures);
        }
        if (id.startsWith("SMP-")) {
            return SmpMapper.plan(c);
        }
        if (id.startsWith("KERAS-")) {
            return KerasMapper.plan(c, fixtures);
        }
        if (id.startsWith("KORNIA-")) {
            return KorniaMapper.plan(c, previous);
        }
        if (id.startsWith("BIGDL-")) {
            return BigDlMapper.plan(c);
        }
        throw new IllegalArgumentException("no mapping rule for case " + id);
    }
}
