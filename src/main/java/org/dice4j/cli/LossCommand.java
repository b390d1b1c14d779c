package org.dice4j.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dice4j.Activation;
import org.dice4j.DType;
import org.dice4j.DiceLoss;
import org.dice4j.Layout;
import org.dice4j.LossResult;
import org.dice4j.Reduction;
import org.dice4j.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dice4j loss}: the loss of logits against a target, both {@code .npy} files mapped into memory, with every
 * option of the semantics that the library implements; {@code --grad} also writes ∂L/∂logits as an {@code .npy}
 * file (computed straight into the mapped output, renamed into place when complete).
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = "Loss (and optionally its gradient) of logits against a target, from .npy files.")
final class LossCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--logits", required = true, paramLabel = "L.npy", description = "float32 or float16 logits (N, C, spatial…).")
    Path logitsPath;

    @Option(names = "--target", required = true, paramLabel = "T.npy",
            description = "Dense float32 target of the logits' shape, or an integer label map (N, spatial…).")
    Path targetPath;

    @Option(names = "--target-kind", paramLabel = "auto|dense|labels", defaultValue = "auto",
            description = "What the target is: dense (float32, the logits' shape) or labels (an integer label map);"
                    + " auto: labels when the file is integer-typed. Default:"
                    + " ${DEFAULT-VALUE}.")
    String targetKind;

    @Option(names = "--channels-last",
            description = "Logits (and a dense target, and --grad) are (N, spatial…, C). Default: off"
                    + " (N, C, spatial…).")
    boolean channelsLast;

    @Mixin
    LossOptions options;

    @Option(names = "--grad", paramLabel = "OUT.npy",
            description = "Write ∂L/∂logits (float32, the logits' shape) to this file. Default: no gradient.")
    Path gradientPath;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        DiceLoss loss = options.build();
        if (gradientPath != null) {
            Map<Path, String> inputs = new LinkedHashMap<>();
            inputs.put(logitsPath, "--logits");
            inputs.put(targetPath, "--target");
            OutputFile.check("--grad", gradientPath, inputs);
        }
        try (Arena arena = Arena.ofShared()) {
            NpyFile logitsFile = NpyFile.read(logitsPath, arena);
            NpyFile targetFile = NpyFile.read(targetPath, arena);
            checkInputs(logitsFile, targetFile);
            Tensor logits = logitsFile.tensor().withLayout(layout());
            Tensor target = targetFile.dtype() == DType.FLOAT32 ? targetFile.tensor().withLayout(layout())
                    : targetFile.tensor();
            long start = System.nanoTime();
            LossResult result;
            try {
                result = gradientPath == null ? loss.forward(logits, target)
                        : withGradient(loss, logits, target, logitsFile.shape());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        LibraryMessages.locate(e, "logits", logitsPath, targetPath), e);
            }
            double elapsedMs = (System.nanoTime() - start) / 1e6;
            long[] shape = logitsFile.shape();
            Activation resolved = loss.activationFor(classes(shape));
            json.print(spec.commandLine().getOut(),
                    () -> LossReport.json(result, shape, resolved, loss.kernelName(), elapsedMs),
                    out -> LossReport.table(out, result, shape, resolved, loss.kernelName(), elapsedMs));
        }
        return 0;
    }

    /** forwardBackward into the mapped output file, committed only when everything succeeded. */
    private LossResult withGradient(DiceLoss loss, Tensor logits, Tensor target, long[] shape) {
        try (NpyFile.Output output = NpyFile.Output.create(gradientPath, DType.FLOAT32, shape)) {
            Tensor gradient = Tensor.of(output.data(), DType.FLOAT32, shape).withLayout(layout());
            LossResult result = loss.reduction() == Reduction.NONE
                    ? loss.forwardBackward(logits, target, gradient, options.onesPerTerm(shape[0], classes(shape)))
                    : loss.forwardBackward(logits, target, gradient);
            output.commit();
            return result;
        }
    }

    private Layout layout() {
        return channelsLast ? Layout.CHANNELS_LAST : Layout.CHANNELS_FIRST;
    }

    /** C: the second axis, or the last with --channels-last. */
    private long classes(long[] shape) {
        return shape[channelsLast ? shape.length - 1 : 1];
    }

    /** The files' types, layout and class count against the flags, before the library sees them. */
    private void checkInputs(NpyFile logits, NpyFile target) {
        if (logits.dtype() != DType.FLOAT32 && logits.dtype() != DType.FLOAT16) {
            throw new IllegalArgumentException(logitsPath + ": logits must be float32 ('<f4') or float16 ('<f2'), got "
                    + logits.dtype().name().toLowerCase(Locale.ROOT));
        }
        checkTargetKind(target);
        checkLayout(logits.shape(), target);
        options.checkClasses(classes(logits.shape()), logitsPath);
    }

    /** A label map that fits the logits only as (N, spatial…, C): suggest the flag instead of a shape mismatch. */
    private void checkLayout(long[] logitsShape, NpyFile target) {
        long[] labels = target.shape();
        if (!channelsLast && ChannelsLastHint.fitsOnlyChannelsLast(logitsShape, target.dtype().isInteger(), labels)) {
            throw new IllegalArgumentException("--channels-last: " + ChannelsLastHint.describe(logitsShape, labels,
                    target.path(), "logits") + "; add --channels-last if that is their layout");
        }
    }

    private void checkTargetKind(NpyFile target) {
        String kind = OptionChecks.choice("--target-kind", targetKind, "auto", "dense", "labels");
        if (kind.equals("dense") && target.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(targetPath + ": --target-kind dense needs a float32 ('<f4') file, got "
                    + target.dtype().name().toLowerCase(Locale.ROOT));
        }
        if (kind.equals("labels") && !target.dtype().isInteger()) {
            throw new IllegalArgumentException(targetPath + ": --target-kind labels needs an integer file (uint8,"
                    + " int32 or int64), got " + target.dtype().name().toLowerCase(Locale.ROOT));
        }
    }
}
