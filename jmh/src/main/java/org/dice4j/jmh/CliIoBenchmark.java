package org.dice4j.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import org.dice4j.cli.NpyFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the command line's safe file handling costs against memory mapping, on the compiled kernels, for the 3-D
 * softmax case (2,14,96,96,96) with uint8 labels (99 MB of logits, in the page cache):
 * <ul>
 *   <li>{@code forward}: the inputs read into off-heap memory ({@code NpyFile.read}, what the CLI does) or mapped
 *       read-only (what it did: a truncation by another process was a SIGBUS), then {@code lossValue};</li>
 *   <li>{@code forwardBackward}: as above, plus the gradient computed into off-heap memory and written with
 *       channel writes ({@code NpyFile.Output}, what the CLI does) or computed into a mapped temporary file (what it
 *       did: a full disk was a SIGBUS); flushed to disk and renamed into place in both.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class CliIoBenchmark {
    private static final long[] SHAPE = {2, 14, 96, 96, 96};
    private static final long[] LABEL_SHAPE = {2, 96, 96, 96};

    @Param({"read", "mapped"})
    public String files;

    private Path folder;
    private Path logitsFile;
    private Path labelsFile;
    private DiceLoss loss;

    @Setup(Level.Trial)
    public void writeInputs() throws IOException {
        folder = Files.createTempDirectory("dice4j-cli-io");
        logitsFile = folder.resolve("logits.npy");
        labelsFile = folder.resolve("labels.npy");
        try (Inputs inputs = Inputs.create(Workload.of("softmax-labels"), Inputs.Memory.NATIVE)) {
            write(logitsFile, DType.FLOAT32, SHAPE, inputs.logits(0).segment());
            write(labelsFile, DType.UINT8, LABEL_SHAPE, inputs.target(0).segment());
            loss = inputs.workload().loss();
        }
    }

    private static void write(Path file, DType dtype, long[] shape, MemorySegment data) {
        try (NpyFile.Output output = NpyFile.Output.create(file, dtype, shape)) {
            MemorySegment.copy(data, 0, output.data(), 0, data.byteSize());
            output.commit();
        }
    }

    @TearDown(Level.Trial)
    public void deleteFiles() throws IOException {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    @Benchmark
    public double forward() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            return loss.lossValue(input(logitsFile, DType.FLOAT32, SHAPE, arena),
                    input(labelsFile, DType.UINT8, LABEL_SHAPE, arena));
        }
    }

    @Benchmark
    public double forwardBackward() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            Tensor logits = input(logitsFile, DType.FLOAT32, SHAPE, arena);
            Tensor labels = input(labelsFile, DType.UINT8, LABEL_SHAPE, arena);
            Path gradientFile = folder.resolve("gradient.npy");
            if (files.equals("read")) {
                try (NpyFile.Output output = NpyFile.Output.create(gradientFile, DType.FLOAT32, SHAPE)) {
                    double value = loss.lossValueAndGradient(logits, labels, Tensor.of(output.data(), DType.FLOAT32, SHAPE));
                    output.commit();
                    return value;
                }
            }
            return mappedGradient(logits, labels, gradientFile);
        }
    }

    private Tensor input(Path file, DType dtype, long[] shape, Arena arena) throws IOException {
        if (files.equals("read")) {
            return NpyFile.read(file, arena).tensor();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            long dataBytes = java.util.Arrays.stream(shape).reduce(dtype.byteSize(), Math::multiplyExact);
            return Tensor.of(mapped.asSlice(channel.size() - dataBytes), dtype, shape);
        }
    }

    /** The earlier design: the gradient computed straight into a mapped temporary file, forced, renamed. */
    private double mappedGradient(Tensor logits, Tensor labels, Path gradientFile) throws IOException {
        Path temporary = folder.resolve(".gradient.npy.tmp");
        long dataBytes = logits.byteSize();
        long headerBytes = Files.size(logitsFile) - dataBytes;
        double value;
        try (Arena mapping = Arena.ofShared();
                FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, headerBytes + dataBytes, mapping);
            MemorySegment.copy(MemorySegment.ofArray(Files.readAllBytes(logitsFile)), 0, file, 0, headerBytes);
            value = loss.lossValueAndGradient(logits, labels, Tensor.of(file.asSlice(headerBytes), DType.FLOAT32, SHAPE));
            file.force();
        }
        Files.move(temporary, gradientFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return value;
    }
}
