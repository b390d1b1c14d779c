package org.dice4j;

import java.util.Objects;

/**
 * An {@link IllegalArgumentException} that names the argument at fault as a value, not only in its message: a
 * caller with its own name for that argument (a file, a command-line flag, a framework's parameter) can say it without
 * reading the message. The message is {@code parameter + ": " + problem}.
 *
 * <p>{@link #parameter()} is the name of a method parameter ({@code logits}, {@code target}, {@code prediction},
 * {@code gradient}) or of the builder method that set the option at fault ({@code activation}, {@code ignoreIndex},
 * {@code numClasses}, …); {@link #problem()} says what was expected and what was found.
 */
public final class InvalidArgumentException extends IllegalArgumentException {
    /** The serialized form's version. */
    private static final long serialVersionUID = 1L;

    /** The argument or option at fault. */
    private final String parameter;

    /**
     * The exception for {@code parameter}, whose message is {@code parameter + ": " + problem}.
     *
     * @param parameter the argument or option at fault
     * @param problem what was expected and what was found
     */
    public InvalidArgumentException(String parameter, String problem) {
        super(Objects.requireNonNull(parameter, "parameter") + ": " + Objects.requireNonNull(problem, "problem"));
        this.parameter = parameter;
    }

    /**
     * The argument or option at fault, as the library names it.
     *
     * @return its name
     */
    public String parameter() {
        return parameter;
    }

    /**
     * What was expected and what was found: the message after the parameter's name and its colon.
     *
     * @return the problem
     */
    public String problem() {
        return getMessage().substring(parameter.length() + 2);
    }
}
