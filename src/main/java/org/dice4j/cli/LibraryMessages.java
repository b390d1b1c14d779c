package org.dice4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.dice4j.InvalidArgumentException;

/**
 * The library names the argument at fault ({@link InvalidArgumentException#parameter()}: its inputs, its builder
 * options); the command line says the file or the flag the user gave for it instead, without reading the message.
 */
final class LibraryMessages {
    private LibraryMessages() {}

    /**
     * The flag of each option that the library alone can refuse, once it sees the files (softmax over one channel,
     * an ignore index with a dense target, a threshold for a sigmoid resolved from C = 1, …); the command line checks
     * the others itself before the library sees them.
     */
    private static final Map<String, String> FLAGS = Map.of("activation", "--activation", "ignoreIndex",
            "--ignore-index", "includeBackground", "--exclude-background", "numClasses", "--num-classes", "threshold",
            "--threshold", "squared", "--squared", "softLabel", "--soft-label", "lambdaCrossEntropy", "--ce-weight");

    /**
     * The message of {@code failure} with the library's name of the argument replaced by the path given for it
     * ({@code first}: the name of the first input, {@code logits} or {@code prediction}; {@code target}) or by the
     * flag of the option; any other failure's message as it is.
     */
    static String locate(IllegalArgumentException failure, String first, Path firstPath, Path targetPath) {
        return renamed(failure, parameter -> parameter.equals(first) ? firstPath.toString()
                : parameter.equals("target") ? targetPath.toString()
                : FLAGS.get(parameter));
    }

    /** The message of a failure of the library's builder, its option named by its flag. */
    static String locate(IllegalArgumentException failure) {
        return renamed(failure, FLAGS::get);
    }

    private static String renamed(IllegalArgumentException failure, Function<String, String> names) {
        String name = failure instanceof InvalidArgumentException invalid ? names.apply(invalid.parameter()) : null;
        return name == null ? failure.getMessage() : name + ": " + ((InvalidArgumentException) failure).problem();
    }
}
