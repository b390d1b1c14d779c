package org.dice4j.cli;

import java.nio.file.Path;

/** The library names its inputs ("logits: …", "target: …"); the command line names the files the user gave. */
final class LibraryMessages {
    private LibraryMessages() {}

    /** {@code message} with a leading "{@code first}:" or "target:" replaced by the path of that input. */
    static String locate(String message, String first, Path firstPath, Path targetPath) {
        if (message.startsWith(first + ":")) {
            return firstPath + ":" + message.substring(first.length() + 1);
        }
        if (message.startsWith("target:")) {
            return targetPath + ":" + message.substring("target:".length());
        }
        return message;
    }
}
