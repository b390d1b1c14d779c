package org.dice4j.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code toString} of a loss or a metric back ({@code Name[option=value, …]}) and replays it on a builder,
 * one builder method per option, found by its name: {@code unset} calls the option's {@code clear…()} method.
 */
public final class OptionTexts {
    private OptionTexts() {}

    /** The options of {@code text}, in order, after checking that it starts with {@code name[}. */
    public static Map<String, String> parse(String text, String name) {
        if (!text.startsWith(name + "[") || !text.endsWith("]")) {
            throw new IllegalArgumentException("not a " + name + ": " + text);
        }
        Map<String, String> options = new LinkedHashMap<>();
        String body = text.substring(name.length() + 1, text.length() - 1);
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            char ch = i < body.length() ? body.charAt(i) : ',';
            depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
            if (ch == ',' && depth == 0) {
                String option = body.substring(start, i).trim();
                int equals = option.indexOf('=');
                if (options.put(option.substring(0, equals), option.substring(equals + 1)) != null) {
                    throw new IllegalArgumentException("option " + option + " twice in " + text);
                }
                start = i + 1;
            }
        }
        return options;
    }

    /** Calls {@code builder.name(value)} (or {@code builder.clearName()} for {@code unset}); returns the builder. */
    public static <B> B apply(B builder, String name, String value) {
        try {
            if (value.equals("unset")) {
                builder.getClass().getMethod("clear" + Character.toUpperCase(name.charAt(0)) + name.substring(1))
                        .invoke(builder);
                return builder;
            }
            Method setter = Arrays.stream(builder.getClass().getMethods())
                    .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no builder method " + name));
            setter.invoke(builder, convert(setter.getParameterTypes()[0], value));
            return builder;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("cannot replay " + name + "=" + value, e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("replaying " + name + "=" + value + " failed", e.getCause());
        }
    }

    private static Object convert(Class<?> type, String value) {
        if (type == double.class) {
            return Double.parseDouble(value);
        } else if (type == boolean.class) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException("not a boolean: " + value);
            }
            return Boolean.parseBoolean(value);
        } else if (type == int.class) {
            return Integer.parseInt(value);
        } else if (type == long.class) {
            return Long.parseLong(value);
        } else if (type == double[].class) {
            String inner = value.substring(1, value.length() - 1).trim();
            return inner.isEmpty() ? new double[0]
                    : Arrays.stream(inner.split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
        } else if (type.isEnum()) {
            return enumValue(type, value);
        }
        throw new IllegalArgumentException("no text form for " + type + " (" + value + ")");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String value) {
        return Enum.valueOf((Class) type, value);
    }
}
