package org.dice4j.internal;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code toString} of a loss or a metric: {@code Name[option=value, …]}, every option under its builder method's
 * name, doubles in {@link Double#toString} form (which parses back to the same bits), {@code unset} for an unset
 * option. A builder can be rebuilt from it (the tests do). Not an API: internal to dice4j.
 */
public final class OptionText {
    /** What an unset option reads as. */
    public static final String UNSET = "unset";

    private final StringBuilder text;
    private boolean first = true;

    /** Starts {@code name[}. */
    public OptionText(String name) {
        text = new StringBuilder(name).append('[');
    }

    /** Adds {@code name=value}. */
    public OptionText add(String name, Object value) {
        text.append(first ? "" : ", ").append(name).append('=').append(value);
        first = false;
        return this;
    }

    /** Adds {@code name=value}, or {@code name=unset} when unset. */
    public OptionText add(String name, Optional<?> value) {
        return add(name, value.isPresent() ? value.get() : UNSET);
    }

    /** Adds {@code name=value}, or {@code name=unset} when unset. */
    public OptionText add(String name, OptionalLong value) {
        return add(name, value.isPresent() ? (Object) value.getAsLong() : UNSET);
    }

    /** Adds {@code name=value}, or {@code name=unset} when unset. */
    public OptionText add(String name, OptionalInt value) {
        return add(name, value.isPresent() ? (Object) value.getAsInt() : UNSET);
    }

    /** Adds {@code name=[w0, w1, …]}, or {@code name=unset} when unset. */
    public OptionText add(String name, double[] values) {
        return add(name, values == null ? UNSET : Arrays.toString(values));
    }

    @Override
    public String toString() {
        return text + "]";
    }
}
