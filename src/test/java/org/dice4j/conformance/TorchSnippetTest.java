package org.dice4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Guards the snippet evaluator, which builds the kornia inputs. */
class TorchSnippetTest {

    @Test
    @DisplayName("kornia input snippets evaluate as PyTorch would")
    void korniaSnippets() {
        Nd logits = TorchSnippet.evaluate("zeros(2,2,1,4); logits[:,0,:,0]=100; logits[:,1,:,1:]=100");
        assertEquals(List.of(2L, 2L, 1L, 4L), Arrays.stream(logits.shape()).boxed().toList());
        double[] image = {100, 0, 0, 0, 0, 100, 100, 100};
        double[] both = new double[16];
        System.arraycopy(image, 0, both, 0, 8);
        System.arraycopy(image, 0, both, 8, 8);
        assertEquals(Arrays.toString(both), Arrays.toString(logits.data()));
        Nd labels = TorchSnippet.evaluate("zeros(2,1,4) int64; labels[...,2:]=-100");
        assertEquals("[0.0, 0.0, -100.0, -100.0, 0.0, 0.0, -100.0, -100.0]", Arrays.toString(labels.data()));
        Nd expanded = TorchSnippet.evaluate("tensor([0,1,2,2]).expand((4,1,-1))");
        assertEquals(List.of(4L, 1L, 4L), Arrays.stream(expanded.shape()).boxed().toList());
        assertEquals(2.0, expanded.data()[15]);
        Nd allZero = TorchSnippet.evaluate("zeros(2,3,1,2); [:,0]=10; [:,1]=1; [:,2]=1");
        assertEquals("[10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0]",
                Arrays.toString(allZero.data()));
    }
}
