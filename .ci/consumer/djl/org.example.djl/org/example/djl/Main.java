package org.example.djl;

import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.loss.Loss;
import org.dice4j.DiceLoss;
import org.dice4j.DiceMetric;
import org.dice4j.djl.DjlDiceEvaluator;
import org.dice4j.djl.DjlDiceLoss;

/** Builds the DJL loss and evaluator from the module path (no engine needed for that); exits 1 on a wrong value. */
public final class Main {
    public static void main(String[] args) {
        DiceLoss dice = DiceLoss.multiClass();
        Loss loss = new DjlDiceLoss(dice);
        Evaluator evaluator = DjlDiceEvaluator.iou(DiceMetric.builder().build());
        if (!loss.getName().equals("dice_loss") || ((DjlDiceLoss) loss).diceLoss() != dice
                || !evaluator.getName().equals("iou")) {
            System.err.println("djl consumer: wrong loss or evaluator: " + loss + ", " + evaluator.getName());
            System.exit(1);
        }
        System.out.println("djl consumer: ok");
    }
}
