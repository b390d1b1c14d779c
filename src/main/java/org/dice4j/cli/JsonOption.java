package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code --json} of {@code loss} and {@code metric}, and the choice between a JSON line and a table that it makes. */
final class JsonOption {
    @Option(names = "--json", description = "Machine-readable output on stdout. Default: a table.")
    boolean json;

    /** Prints the result as one JSON line or as a table, then flushes. */
    void print(PrintWriter out, Supplier<String> jsonLine, Consumer<PrintWriter> table) {
        print(json, out, jsonLine, table);
    }

    /** The same for a command whose {@code --json} says more (eval). */
    static void print(boolean json, PrintWriter out, Supplier<String> jsonLine, Consumer<PrintWriter> table) {
        if (json) {
            out.println(jsonLine.get());
        } else {
            table.accept(out);
        }
        out.flush();
    }
}
