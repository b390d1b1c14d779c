package org.dice4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.dice4j.DType;

/** One run of the command line's entry point, with its exit code and what it printed (for end-to-end tests). */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Writes {@code data} as an .npy file of {@code dtype} and {@code shape}. */
    static Path write(Path file, DType dtype, long[] shape, MemorySegment data) {
        try (NpyFile.Output output = NpyFile.Output.create(file, dtype, shape)) {
            MemorySegment.copy(data, 0, output.data(), 0, output.data().byteSize());
            output.commit();
        }
        return file;
    }
}
