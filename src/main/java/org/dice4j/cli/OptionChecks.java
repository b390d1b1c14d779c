package org.dice4j.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks of option values and combinations made where the flag is known, so that a message names the flag the user
 * typed (the library's own checks name its builder methods).
 */
final class OptionChecks {
    private OptionChecks() {}

    /** A finite value ≥ 0. */
    static double nonNegative(String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(flag + ": expected a finite value ≥ 0, got " + value);
        }
        return value;
    }

    /** A finite value &gt; 0. */
    static double positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(flag + ": expected a finite value > 0, got " + value);
        }
        return value;
    }

    /** A count ≥ 1 (--threads). */
    static int atLeastOne(String flag, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + ": expected a value ≥ 1, got " + value);
        }
        return value;
    }

    /** One of {@code allowed}, case and surrounding blanks ignored. */
    static String choice(String flag, String value, String... allowed) {
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(normalized)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(flag + ": expected " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    /** A finite value. */
    static double finite(String flag, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(flag + ": expected a finite value, got " + value);
        }
        return value;
    }

    /** True when {@code flag} was given on the command line (not only its default). */
    static boolean given(CommandSpec spec, String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** Refuses a list flag given more than once (its values would be silently concatenated). */
    static void once(CommandSpec spec, String flag) {
        var option = spec.commandLine().getParseResult().matchedOption(flag);
        if (option != null && option.originalStringValues().size() > 1) {
            throw new IllegalArgumentException(flag + ": given " + option.originalStringValues().size()
                    + " times; give its values once, separated by commas");
        }
    }

    /** Refuses {@code flag} together with any of {@code others}, saying {@code why} one of them would not apply. */
    static void notTogether(CommandSpec spec, String why, String flag, String... others) {
        if (!given(spec, flag)) {
            return;
        }
        for (String other : others) {
            if (given(spec, other)) {
                throw new IllegalArgumentException(flag + ": cannot be combined with " + other + " (" + why + ")");
            }
        }
    }
}
