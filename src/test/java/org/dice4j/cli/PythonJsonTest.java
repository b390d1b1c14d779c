package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Python's json.dump(sort_keys=True, indent=4) and repr(float), on the values Python's own docs and REPL give. */
class PythonJsonTest {
    @Test
    void floatsAreWrittenAsPythonsRepr() {
        assertEquals("0.1", PythonJson.repr(0.1));
        assertEquals("1.0", PythonJson.repr(1));
        assertEquals("0.0001", PythonJson.repr(1e-4));
        assertEquals("1e-05", PythonJson.repr(1e-5));
        assertEquals("1.5e-07", PythonJson.repr(1.5e-7));
        assertEquals("1234567.0", PythonJson.repr(1234567));
        assertEquals("1e+16", PythonJson.repr(1e16));
        assertEquals("9999999999999998.0", PythonJson.repr(9999999999999998.0));
        assertEquals("1.2345678901234567e+19", PythonJson.repr(12345678901234567890.0));
        assertEquals("0.6666666666666666", PythonJson.repr(2.0 / 3));
        assertEquals("-2.5", PythonJson.repr(-2.5));
        assertEquals("-0.0", PythonJson.repr(-0.0));
        assertEquals("NaN", PythonJson.repr(Double.NaN));
        assertEquals("Infinity", PythonJson.repr(Double.POSITIVE_INFINITY));
        assertEquals("5e-324", PythonJson.repr(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", PythonJson.repr(Double.MAX_VALUE));
    }

    @Test
    void keysAreSortedByCodePointAndNestedWithFourSpaces() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("n_ref", 3L);
        inner.put("Dice", Double.NaN);
        inner.put("FN", 0L);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", List.of(inner, new ArrayList<>()));
        outer.put("a\u00e9\"", new LinkedHashMap<>());
        assertEquals("{\n    \"a\\u00e9\\\"\": {},\n    \"b\": [\n        {\n            \"Dice\": NaN,\n"
                + "            \"FN\": 0,\n            \"n_ref\": 3\n        },\n        []\n    ]\n}",
                PythonJson.write(outer));
    }

    @Test
    void codePointOrderIsPythonsStringOrder() {
        List<String> names = new ArrayList<>(List.of("case_2", "case_10", "Case_7", "case_003", "\uD83D\uDE00", "\uFF5E"));
        names.sort(PythonJson::compareCodePoints);
        assertEquals(List.of("Case_7", "case_003", "case_10", "case_2", "\uFF5E", "\uD83D\uDE00"), names);
        assertTrue(PythonJson.compareCodePoints("a", "ab") < 0);
    }
}
