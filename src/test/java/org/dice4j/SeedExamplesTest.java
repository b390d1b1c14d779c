package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The classic two losses (a binary Dice loss on sigmoid outputs and a multi-class Dice loss on softmax outputs,
 * each with smoothing 1 and a mean) are one-liners and agree with the classic algorithm, written here as the usual
 * PyTorch snippet writes it: flatten each image, score it, average.
 */
class SeedExamplesTest {

    @Test
    void binaryDiceOfTheWorkedExample() {
        // sigmoid(0) = 0.5 everywhere; labels 1, 1, 0, 0: I = 1, ΣP = 2, ΣG = 2, dice = (2 + 1)/(4 + 1).
        LossResult result = DiceLoss.binary().forward(Tensor.of(new float[4], 1, 1, 2, 2),
                Tensor.of(new float[] {1, 1, 0, 0}, 1, 1, 2, 2));
        assertEquals(1 - 3.0 / 5.0, result.loss(), 1e-7);
    }

    @Test
    void binaryDiceIsTheMeanOverImagesOfOneMinusDice() {
        int images = 3;
        int pixels = 7 * 5;
        SplittableRandom random = new SplittableRandom(7);
        float[] logits = new float[images * pixels];
        float[] labels = new float[images * pixels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
            labels[i] = random.nextBoolean() ? 1 : 0;
        }
        double diceSum = 0;
        for (int n = 0; n < images; n++) {
            double intersection = 0;
            double inputSum = 0;
            double targetSum = 0;
            for (int i = n * pixels; i < (n + 1) * pixels; i++) {
                double p = 1 / (1 + Math.exp(-logits[i]));
                intersection += p * labels[i];
                inputSum += p;
                targetSum += labels[i];
            }
            diceSum += (2 * intersection + 1) / (inputSum + targetSum + 1);
        }
        double classicLoss = 1 - diceSum / images;
        LossResult result = DiceLoss.binary().forward(Tensor.of(logits, images, 1, 7, 5), Tensor.of(labels, images, 1, 7, 5));
        assertEquals(classicLoss, result.loss(), 1e-6);
    }

    @Test
    void multiClassDiceIsTheMeanOverClassesOfPerClassBinaryLosses() {
        int images = 2;
        int classes = 4;
        int pixels = 6 * 6;
        SplittableRandom random = new SplittableRandom(11);
        float[] logits = new float[images * classes * pixels];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 2;
        }
        byte[] labels = new byte[images * pixels];
        float[] oneHot = new float[logits.length];
        for (int n = 0; n < images; n++) {
            for (int v = 0; v < pixels; v++) {
                int label = random.nextInt(classes);
                labels[n * pixels + v] = (byte) label;
                oneHot[(n * classes + label) * pixels + v] = 1;
            }
        }
        // The classic algorithm: softmax over channels, then BinaryDiceLoss on each channel (mean over images), mean over channels.
        double total = 0;
        for (int c = 0; c < classes; c++) {
            double diceSum = 0;
            for (int n = 0; n < images; n++) {
                double intersection = 0;
                double inputSum = 0;
                double targetSum = 0;
                for (int v = 0; v < pixels; v++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < classes; k++) {
                        max = Math.max(max, logits[(n * classes + k) * pixels + v]);
                    }
                    double expSum = 0;
                    for (int k = 0; k < classes; k++) {
                        expSum += Math.exp(logits[(n * classes + k) * pixels + v] - max);
                    }
                    double p = Math.exp(logits[(n * classes + c) * pixels + v] - max) / expSum;
                    double g = oneHot[(n * classes + c) * pixels + v];
                    intersection += p * g;
                    inputSum += p;
                    targetSum += g;
                }
                diceSum += (2 * intersection + 1) / (inputSum + targetSum + 1);
            }
            total += 1 - diceSum / images;
        }
        double classicLoss = total / classes;
        Tensor logitTensor = Tensor.of(logits, images, classes, 6, 6);
        assertEquals(classicLoss, DiceLoss.multiClass().forward(logitTensor, Tensor.of(oneHot, images, classes, 6, 6)).loss(),
                1e-6);
        assertEquals(classicLoss, DiceLoss.multiClass().forward(logitTensor, Tensor.ofUint8(labels, images, 6, 6)).loss(),
                1e-6);
    }
}
