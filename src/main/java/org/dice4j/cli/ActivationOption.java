package org.dice4j.cli;

import java.util.Locale;
import org.dice4j.Activation;
import org.dice4j.DiceLoss;
import picocli.CommandLine.Option;

/** {@code --activation} of the loss, shared by {@code loss} and {@code bench}; {@link #parse} serves the metric too. */
final class ActivationOption {
    @Option(names = "--activation", paramLabel = "sigmoid|softmax|none",
            description = "Activation of the logits: sigmoid (each channel), softmax (over the channels) or none"
                    + " (probabilities given). Default: softmax when C > 1, else sigmoid.")
    String activation;

    /** Sets the activation when the flag was given (the builder's default resolves it from C otherwise). */
    DiceLoss.Builder applyTo(DiceLoss.Builder builder) {
        return activation == null ? builder : builder.activation(parse(activation));
    }

    /** The activation named by {@code --activation}, case and surrounding blanks ignored. */
    static Activation parse(String name) {
        return Activation.valueOf(OptionChecks.choice("--activation", name, "sigmoid", "softmax", "none")
                .toUpperCase(Locale.ROOT));
    }
}
