package org.dice4j.internal.vectorization;

/** Prints the cold-start mode a fresh JVM's kernels start with (for ColdStartDefaultsTest). */
public final class ColdStartModeProbe {
    private ColdStartModeProbe() {}

    public static void main(String[] args) {
        System.out.println("mode=" + ColdStart.mode);
    }
}
