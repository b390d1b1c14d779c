package org.dice4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which classes and voxels count, {@code --exclude-background} and {@code --ignore-index}: the same flags and meaning
 * for the loss and the metric.
 */
final class ClassSelection {
    @Option(names = "--exclude-background",
            description = "Leave class 0 out of the result (its terms or scores). Default: off (class 0 included).")
    boolean excludeBackground;

    @Option(names = "--ignore-index", paramLabel = "K",
            description = "Target label whose voxels count in no class (an integer label-map target only). Default:"
                    + " none.")
    Long ignoreIndex;

    /** Excluding class 0 needs another class: {@code file} is what gives the class count. */
    void checkClasses(long classes, Path file) {
        if (excludeBackground && classes == 1) {
            throw new IllegalArgumentException("--exclude-background: needs C > 1, got C = 1 (class 0 is the only"
                    + " class of " + file + ")");
        }
    }
}
