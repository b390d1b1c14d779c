package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.dice4j.internal.GradientPass;
import org.dice4j.testing.Bits;
import org.dice4j.testing.Examples;
import org.dice4j.testing.Problems;
import org.dice4j.testing.Problems.Instance;
import org.junit.jupiter.api.Test;

/**
 * float16 and bfloat16 logits (mixed-precision training): the loss, terms and statistics of half-precision logits
 * are those of float32 logits holding the exactly converted values, bit for bit (the kernels convert each chunk into
 * the float32 staging their stages read); the gradient, written as float32 or in the logits' precision, is the
 * float32 gradient of those values, rounded to the output type (nearest, ties to even). Default and reference
 * kernels, random shapes and options.
 */
class HalfPrecisionTest {
    private static short toHalf(float value, DType type) {
        return type == DType.FLOAT16 ? Float.floatToFloat16(value) : GradientPass.toBfloat16(value);
    }

    private static float fromHalf(short bits, DType type) {
        return type == DType.FLOAT16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
    }

    @Test
    void halfPrecisionLogitsGiveTheBitsOfTheirFloat32Values() {
        qt().withExamples(Examples.scaled(1, 3))
                .forAll(Problems.problems(), longs().all()).checkAssert((generated, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            DType type = random.nextBoolean() ? DType.FLOAT16 : DType.BFLOAT16;
            // float16 ends at 65504: huge logits would be ±∞ (NonFiniteLogitsTest's cases); bfloat16 holds them.
            Problems.Problem problem = type == DType.FLOAT16 ? generated.withScale(Problems.LogitScale.MODERATE)
                    : generated;
            Instance instance = problem.instance();
            long[] shape = problem.shape();
            int elements = (int) instance.logits().elementCount();
            short[] half = new short[elements];
            float[] widened = new float[elements];
            for (int i = 0; i < elements; i++) {
                half[i] = toHalf(instance.logits().segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), type);
                widened[i] = fromHalf(half[i], type);
            }
            Tensor halfLogits = Tensor.of(MemorySegment.ofArray(half), type, shape);
            Tensor floatLogits = Tensor.of(widened, shape);
            DiceLoss chosen = Problems.randomLoss(problem, random);
            for (DiceLoss loss : new DiceLoss[] {chosen, chosen.toBuilder().referenceKernels(true).build()}) {
                String context = problem + " " + type + " " + loss;
                LossResult expected = loss.forward(floatLogits, instance.target());
                LossResult actual = loss.forward(halfLogits, instance.target());
                assertEquals(Bits.hex(expected.terms()), Bits.hex(actual.terms()), context);
                assertEquals(Bits.hex(expected.statistics().predSum()), Bits.hex(actual.statistics().predSum()),
                        context);
                if (loss.reduction() == Reduction.NONE) {
                    continue;
                }
                float[] floatGradient = new float[elements];
                loss.forwardBackward(floatLogits, instance.target(), Tensor.of(floatGradient, shape));
                float[] gradient = new float[elements];
                loss.forwardBackward(halfLogits, instance.target(), Tensor.of(gradient, shape));
                short[] halfGradient = new short[elements];
                loss.forwardBackward(halfLogits, instance.target(), Tensor.of(MemorySegment.ofArray(halfGradient), type,
                        shape));
                for (int i = 0; i < elements; i++) {
                    if (Float.floatToRawIntBits(floatGradient[i]) != Float.floatToRawIntBits(gradient[i])
                            || toHalf(floatGradient[i], type) != halfGradient[i]) {
                        throw new AssertionError("gradient element " + i + ": float32 logits " + floatGradient[i]
                                + ", " + type + " logits " + gradient[i] + " (as " + type + ": "
                                + fromHalf(halfGradient[i], type) + ") in " + context);
                    }
                }
            }
        });
    }

    @Test
    void aGradientInAnotherHalfTypeIsRefused() {
        Tensor logits = Tensor.of(MemorySegment.ofArray(new short[8]), DType.BFLOAT16, 1, 2, 4);
        String message = assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().build().forwardBackward(
                logits, Tensor.ofUint8(new byte[4], 1, 4), Tensor.of(MemorySegment.ofArray(new short[8]), DType.FLOAT16,
                        1, 2, 4))).getMessage();
        assertEquals("gradient: expected dtype FLOAT32 or the logits' BFLOAT16, got FLOAT16", message);
    }

    @Test
    void bfloat16RoundingIsToNearestWithTiesToEven() {
        // Values written out from the bfloat16 format (8 exponent bits, 7 mantissa bits), not from the code under test.
        assertEquals((short) 0x3F80, GradientPass.toBfloat16(1.0f));
        assertEquals((short) 0x3F80, GradientPass.toBfloat16(Float.intBitsToFloat(0x3F808000))); // tie: to even (down)
        assertEquals((short) 0x3F82, GradientPass.toBfloat16(Float.intBitsToFloat(0x3F818000))); // tie: to even (up)
        assertEquals((short) 0x3F81, GradientPass.toBfloat16(Float.intBitsToFloat(0x3F808001))); // above the tie
        assertEquals((short) 0xBF80, GradientPass.toBfloat16(-1.0f));
        assertEquals((short) 0x7F80, GradientPass.toBfloat16(Float.MAX_VALUE)); // rounds up to +infinity
        assertEquals((short) 0x7F80, GradientPass.toBfloat16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x0000, GradientPass.toBfloat16(Float.MIN_VALUE)); // smallest subnormal: to zero
        short nan = GradientPass.toBfloat16(Float.intBitsToFloat(0x7F800001)); // a signalling NaN stays a NaN
        assertEquals(true, Float.isNaN(Float.intBitsToFloat(nan << 16)));
    }
}
