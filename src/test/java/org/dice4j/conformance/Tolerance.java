package org.dice4j.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * An upstream tolerance. {@code rtol}/{@code atol} are numpy/torch/Keras {@code allclose}:
 * {@code |a − e| ≤ atol + rtol·|e|}. {@code abs} is pytest's {@code approx(e, abs=…)}: {@code |a − e| ≤ abs};
 * {@code rel} is pytest's {@code approx(e, rel)}: {@code |a − e| ≤ max(rel·|e|, 1e-12)}.
 */
record Tolerance(double rtol, double atol, boolean pytestRel, String text) {

    static Tolerance of(JsonObject json) {
        double rtol = 0;
        double atol = 0;
        boolean pytestRel = false;
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            switch (e.getKey()) {
                case "rtol" -> rtol = e.getValue().getAsDouble();
                case "atol", "abs" -> atol = e.getValue().getAsDouble();
                case "rel" -> {
                    rtol = e.getValue().getAsDouble();
                    atol = 1e-12;
                    pytestRel = true;
                }
                case "note" -> { }
                default -> throw new IllegalArgumentException("unknown tolerance key " + e.getKey());
            }
        }
        if (rtol == 0 && atol == 0) {
            throw new IllegalArgumentException("no tolerance given: " + json);
        }
        return new Tolerance(rtol, atol, pytestRel, json.toString());
    }

    double bound(double expected) {
        return pytestRel ? Math.max(rtol * Math.abs(expected), atol) : atol + rtol * Math.abs(expected);
    }

    @Override
    public String toString() {
        return text;
    }
}
