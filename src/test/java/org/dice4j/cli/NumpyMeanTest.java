package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** numpy's mean and nanmean, bit for bit, on arrays numpy summed (eval/numpy_means.json, from make_fixtures.py). */
class NumpyMeanTest {
    @Test
    void theMeansHaveNumpysBits() throws IOException {
        String text = Files.readString(NiftiFixturesTest.FIXTURES.resolve("eval/numpy_means.json"));
        for (JsonElement element : JsonParser.parseString(text).getAsJsonArray()) {
            double[] values = element.getAsJsonObject().getAsJsonArray("values").asList().stream()
                    .mapToDouble(value -> Double.parseDouble(value.getAsString().replace("nan", "NaN"))).toArray();
            double[] present = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
            String where = values.length + " values";
            assertEquals(element.getAsJsonObject().get("nanmean").getAsString(), PythonJson.repr(NumpyMean.nanmean(values)),
                    where);
            assertEquals(element.getAsJsonObject().get("mean_without_nan").getAsString(),
                    PythonJson.repr(NumpyMean.mean(present)), where);
        }
    }
}
