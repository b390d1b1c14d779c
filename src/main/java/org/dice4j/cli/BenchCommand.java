package org.dice4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dice4j bench}: the fused kernels against the scalar reference on built-in synthetic data, after a warm-up
 * long enough for the JIT to compile the kernels. Reports the median of timed repetitions.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the fused kernels and the scalar reference, forward and forward+backward, on synthetic"
                + " data (no input files).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--shape", split = ",", paramLabel = "N,C,D1,…",
            description = "Logits shape (channels-first). Default: ${DEFAULT-VALUE}.", defaultValue = "2,14,96,96,96")
    long[] shape;

    @Mixin
    ActivationOption activation;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Time spent measuring each variant after its warm-up. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "1",
            description = "Threads of the fused kernels (the reference runs on one). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    JsonOption json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        checkOptions();
        DiceLoss.Builder builder = activation.applyTo(DiceLoss.builder());
        DiceLoss fused = builder.threads(OptionChecks.atLeastOne("--threads", threads)).build();
        DiceLoss reference = builder.threads(1).referenceKernels(true).build();
        Activation resolved = fused.activationFor(shape[1]);
        try (Arena arena = Arena.ofShared()) {
            measure(fused, reference, resolved, arena);
        } catch (IllegalArgumentException e) {
            // --activation softmax with C = 1, refused by the library when it sees the logits.
            throw new IllegalArgumentException(LibraryMessages.locate(e), e);
        }
        return 0;
    }

    /** Times both kernels on synthetic inputs in {@code arena} and prints the result. */
    private void measure(DiceLoss fused, DiceLoss reference, Activation resolved, Arena arena) {
        Tensor logits = syntheticLogits(arena, shape);
        Tensor target = resolved == Activation.SOFTMAX ? syntheticLabels(arena, shape) : syntheticMask(arena, shape);
        Tensor gradient = Tensor.of(arena.allocate(logits.byteSize(), 64), DType.FLOAT32, shape);
        double warmup = Math.max(2.0, seconds);
        Timings timings = new Timings(medianSeconds(() -> fused.forward(logits, target), warmup, seconds),
                medianSeconds(() -> reference.forward(logits, target), 0, seconds),
                medianSeconds(() -> fused.lossValueAndGradient(logits, target, gradient), warmup, seconds),
                medianSeconds(() -> reference.lossValueAndGradient(logits, target, gradient), 0, seconds));
        String activationName = resolved.name().toLowerCase(Locale.ROOT);
        json.print(spec.commandLine().getOut(), () -> json(activationName, fused.kernelName(), logits, timings),
                out -> table(out, activationName, fused.kernelName(), logits, target, timings));
    }

    private void checkOptions() {
        OptionChecks.once(spec, "--shape");
        if (shape.length < 3) {
            throw new IllegalArgumentException("--shape: expected N,C,D1[,D2…] with at least one spatial axis, got "
                    + Arrays.toString(shape));
        }
        checkSizes(shape);
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("--seconds: expected a value in (0, 3600], got " + seconds);
        }
    }

    /** The median seconds of a call of each variant. */
    private record Timings(double fused, double reference, double fusedBackward, double referenceBackward) {}

    private String json(String activationName, String kernel, Tensor logits, Timings timings) {
        double elements = logits.elementCount();
        return String.format(Locale.ROOT, "{\"shape\": %s, \"activation\": \"%s\", \"threads\": %d, \"kernel\": \"%s\","
                + " \"forward\": {\"elements_per_s\": %.6g, \"reference_elements_per_s\": %.6g}, \"forward_backward\":"
                + " {\"elements_per_s\": %.6g, \"reference_elements_per_s\": %.6g}}", Arrays.toString(shape),
                activationName, threads, kernel, elements / timings.fused(), elements / timings.reference(),
                elements / timings.fusedBackward(), elements / timings.referenceBackward());
    }

    private void table(PrintWriter out, String activationName, String kernel, Tensor logits, Tensor target,
            Timings timings) {
        String targetKind = target.dtype() == DType.UINT8 ? "uint8 labels" : "dense float32 mask";
        out.printf(Locale.ROOT, "dice4j bench: logits %s, %s, %s target, %s kernels, %d thread(s)%n",
                Arrays.toString(shape), activationName, targetKind, kernel, threads);
        long elements = logits.elementCount();
        double bytes = logits.byteSize() + target.byteSize();
        report(out, "forward", elements, bytes, timings.fused(), timings.reference());
        // Forward+backward also writes the gradient: the logits' bytes once more.
        report(out, "forward+backward", elements, bytes + logits.byteSize(), timings.fusedBackward(),
                timings.referenceBackward());
    }

    /** Every size ≥ 1, and the logits' bytes (with the gradient's and the target's) a number a long can hold. */
    private static void checkSizes(long[] shape) {
        for (long size : shape) {
            if (size < 1) {
                throw new IllegalArgumentException("--shape: expected sizes ≥ 1, got " + Arrays.toString(shape));
            }
        }
        try {
            Math.multiplyExact(Arrays.stream(shape).reduce(1, Math::multiplyExact), 3L * Float.BYTES);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("--shape: " + Arrays.toString(shape) + " has more elements than memory"
                    + " can hold (their byte count overflows a 64-bit integer)");
        }
    }

    private static void report(PrintWriter out, String what, long elements, double bytes, double fusedSeconds,
            double referenceSeconds) {
        out.printf(Locale.ROOT, "%-17s fused      %8.3f G elements/s  %6.2f GB/s%n", what, elements / fusedSeconds / 1e9,
                bytes / fusedSeconds / 1e9);
        out.printf(Locale.ROOT, "%-17s reference  %8.3f G elements/s  %6.2f GB/s%n", "", elements / referenceSeconds / 1e9,
                bytes / referenceSeconds / 1e9);
        out.printf(Locale.ROOT, "%-17s speed-up   %8.1fx%n", "", referenceSeconds / fusedSeconds);
    }

    /** Warms up for at least {@code warmupSeconds} (and one call), then returns the median time of calls over {@code measureSeconds}. */
    private static double medianSeconds(Runnable call, double warmupSeconds, double measureSeconds) {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            call.run();
        } while (System.nanoTime() < warmupEnd);
        double[] times = new double[1024];
        int count = 0;
        long measureEnd = System.nanoTime() + (long) (measureSeconds * 1e9);
        do {
            long start = System.nanoTime();
            call.run();
            times[count++] = (System.nanoTime() - start) / 1e9;
        } while ((System.nanoTime() < measureEnd || count < 3) && count < times.length);
        Arrays.sort(times, 0, count);
        return times[count / 2];
    }

    private static Tensor syntheticLogits(Arena arena, long[] shape) {
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        MemorySegment segment = arena.allocate(Math.multiplyExact(elements, (long) Float.BYTES), 64);
        SplittableRandom random = new SplittableRandom(42);
        for (long i = 0; i < elements; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextGaussian() * 2));
        }
        return Tensor.of(segment, DType.FLOAT32, shape);
    }

    /** A label map whose classes come in blobs along the last axis, like a segmentation. */
    private static Tensor syntheticLabels(Arena arena, long[] shape) {
        long images = shape[0];
        long voxels = Arrays.stream(shape).skip(2).reduce(1, Math::multiplyExact);
        int classes = (int) Math.min(shape[1], 256);
        MemorySegment segment = arena.allocate(images * voxels, 64);
        for (long i = 0; i < images * voxels; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) ((i / 37) % classes));
        }
        long[] labelShape = new long[shape.length - 1];
        labelShape[0] = images;
        System.arraycopy(shape, 2, labelShape, 1, shape.length - 2);
        return Tensor.of(segment, DType.UINT8, labelShape);
    }

    /** A dense 0/1 float target of the logits' shape. */
    private static Tensor syntheticMask(Arena arena, long[] shape) {
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        MemorySegment segment = arena.allocate(elements * Float.BYTES, 64);
        for (long i = 0; i < elements; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i / 53) % 3 == 0 ? 1f : 0f);
        }
        return Tensor.of(segment, DType.FLOAT32, shape);
    }
}
