package org.dice4j.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Whether standard error is a terminal, for eval's progress line: POSIX {@code isatty(2)} through the FFM linker
 * (the JDK's Console only tells whether stdin and stdout are, which a redirected stdout turns off). Where libc has
 * no isatty, or native access is refused, the Console's answer.
 */
final class Terminal {
    private static final int STDERR = 2;

    private Terminal() {}

    static boolean stderrIsTerminal() {
        Optional<MethodHandle> isatty = isatty();
        if (isatty.isPresent()) {
            try {
                return (int) isatty.get().invokeExact(STDERR) == 1;
            } catch (Throwable e) {
                return consoleIsTerminal();
            }
        }
        return consoleIsTerminal();
    }

    private static Optional<MethodHandle> isatty() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("isatty").map(address -> linker.downcallHandle(address,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)));
        } catch (RuntimeException e) { // IllegalCallerException when native access is refused
            return Optional.empty();
        }
    }

    private static boolean consoleIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }
}
