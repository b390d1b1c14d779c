package org.dice4j.conformance;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Reading the conformance resources: loading a JSON file, resolving fixtures, reading options with defaults. */
final class Json {

    private Json() {
    }

    static JsonObject load(String resource) {
        try (InputStream in = Json.class.getResourceAsStream(resource)) {
            assertNotNull(in, "test resource " + resource);
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return JsonParser.parseReader(reader).getAsJsonObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture a case names by a string, or the value itself when it is written inline. */
    static JsonElement fixture(JsonObject fixtures, JsonElement reference) {
        if (reference.isJsonPrimitive() && reference.getAsJsonPrimitive().isString()) {
            JsonElement value = fixtures.get(reference.getAsString());
            if (value == null) {
                throw new IllegalArgumentException("unknown fixture " + reference.getAsString());
            }
            return value;
        }
        return reference;
    }

    static void requireKnownKeys(JsonObject object, Set<String> known) {
        requireKnownKeys(object.keySet(), known);
    }

    /** An upstream option no rule maps must fail the case, never be ignored. */
    static void requireKnownKeys(Set<String> keys, Set<String> known) {
        for (String key : keys) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unmapped upstream option " + key);
            }
        }
    }

    static boolean bool(JsonObject p, String key, boolean fallback) {
        return p.has(key) ? p.get(key).getAsBoolean() : fallback;
    }

    static double number(JsonObject p, String key, double fallback) {
        return p.has(key) ? p.get(key).getAsDouble() : fallback;
    }

    static double[] doubles(JsonArray array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }
}
