package org.dice4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.SplittableRandom;
import org.dice4j.DiceLoss;
import org.dice4j.DiceMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small convolutional network built from DJL's nn blocks learns a synthetic segmentation task with the adapter as
 * its loss and the evaluator attached, through DJL's own training loop (EasyTrain): 32×32 images of noise (σ 0.6)
 * with a disc (class 1, brighter) and a square (class 2, darker), seeded. After {@value #EPOCHS} epochs of
 * {@value #TRAIN_IMAGES} images (batches of {@value #BATCH}: {@value #STEPS} steps) the held-out loss has fallen to
 * under half its initial value and the held-out hard Dice (classes 1 and 2, mean over images) exceeds
 * {@value #DICE_THRESHOLD} (it reaches 0.88 with libtorch 2.7.1 on one thread; 0.89 after 24 epochs). A pixel's class cannot be read from its own value under this noise (thresholds at ±0.5
 * mislabel 40% of the background pixels and 20% of the shapes'): the network must smooth over its 5×5 receptive
 * field.
 */
class DjlTrainingTest {
    private static final int SIZE = 32;
    private static final int TRAIN_IMAGES = 96;
    private static final int HELD_OUT = 32;
    private static final int BATCH = 16;
    private static final int EPOCHS = 16;
    private static final int STEPS = EPOCHS * TRAIN_IMAGES / BATCH;
    private static final double DICE_THRESHOLD = 0.83;
    private static final long SEED = 20;

    @Test
    @Timeout(120)
    void aSmallNetworkLearnsDiscsAndSquaresWithTheAdapterAndTheEvaluator() throws Exception {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) SEED);
        DiceLoss dice = DiceLoss.builder().activation(org.dice4j.Activation.SOFTMAX).lambdaDice(1)
                .lambdaCrossEntropy(1).build();
        DjlDiceLoss loss = new DjlDiceLoss(dice);
        DjlDiceEvaluator evaluator = DjlDiceEvaluator.dice(DiceMetric.builder().includeBackground(false).build());
        try (Model model = Model.newInstance("shapes", "PyTorch")) {
            model.setBlock(network());
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .addEvaluator(evaluator).addTrainingListeners(TrainingListener.Defaults.basic());
            NDManager manager = model.getNDManager();
            SplittableRandom random = new SplittableRandom(SEED);
            NDList train = Shapes.generate(manager, random, TRAIN_IMAGES);
            NDList heldOut = Shapes.generate(manager, random, HELD_OUT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, SIZE, SIZE));
                float before = heldOutLoss(trainer, loss, heldOut);
                EasyTrain.fit(trainer, EPOCHS, dataset(train), dataset(heldOut));
                float after = heldOutLoss(trainer, loss, heldOut);
                TrainingResult result = trainer.getTrainingResult();
                assertTrue(after < before / 2, "held-out loss " + before + " → " + after);
                float heldOutDice = result.getValidateEvaluation("dice");
                assertTrue(heldOutDice > DICE_THRESHOLD, "held-out hard Dice " + heldOutDice + " ≤ " + DICE_THRESHOLD);
                NDArray predictions = trainer.evaluate(new NDList(heldOut.get(0))).head();
                float direct = evaluator.evaluate(new NDList(heldOut.get(1)), new NDList(predictions)).getFloat();
                assertEquals(direct, heldOutDice, 1e-6, "the validation accumulator is the evaluator's value");
            }
        }
    }

    /** Two 3×3 convolutions with ReLU (a 5×5 receptive field) and a 1×1 convolution to 3 class logits. */
    private static Block network() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(8).build())
                .add(Activation::relu)
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(8).build())
                .add(Activation::relu)
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).build());
    }

    private static ArrayDataset dataset(NDList imagesAndLabels) {
        return new ArrayDataset.Builder().setData(imagesAndLabels.get(0)).optLabels(imagesAndLabels.get(1))
                .setSampling(BATCH, true).build();
    }

    private static float heldOutLoss(Trainer trainer, DjlDiceLoss loss, NDList heldOut) {
        NDArray predictions = trainer.evaluate(new NDList(heldOut.get(0))).head();
        return loss.evaluate(new NDList(heldOut.get(1)), new NDList(predictions)).getFloat();
    }

    /** Images (M, 1, 32, 32) float32 and their label maps (M, 32, 32) uint8. */
    private static final class Shapes {
        private Shapes() {}

        static NDList generate(NDManager manager, SplittableRandom random, int images) {
            float[] pixels = new float[images * SIZE * SIZE];
            byte[] labels = new byte[images * SIZE * SIZE];
            for (int m = 0; m < images; m++) {
                int cx = 8 + random.nextInt(16);
                int cy = 8 + random.nextInt(16);
                int radius = 4 + random.nextInt(4);
                int sx = random.nextInt(SIZE - 10);
                int sy = random.nextInt(SIZE - 10);
                int side = 6 + random.nextInt(5);
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        int at = (m * SIZE + y) * SIZE + x;
                        boolean square = x >= sx && x < sx + side && y >= sy && y < sy + side;
                        boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
                        labels[at] = (byte) (disc ? 1 : square ? 2 : 0);
                        pixels[at] = (disc ? 1f : square ? -1f : 0f) + (float) (0.6 * random.nextGaussian());
                    }
                }
            }
            return new NDList(manager.create(pixels, new Shape(images, 1, SIZE, SIZE)),
                    manager.create(labels, new Shape(images, SIZE, SIZE)).toType(DataType.UINT8, false));
        }
    }
}
