package org.dice4j.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.dice4j.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * Who gets the cold-start policy: a library user's loop runs the vector plans from its first call unless it asks
 * for the policy (the command line does: cli.MainColdStartTest).
 */
class ColdStartDefaultsTest {

    private static String modeOfAFreshJvm(String... properties) throws IOException, InterruptedException {
        ChildJvm.Output output = ChildJvm.run(ChildJvm.command(true, List.of(properties), ColdStartModeProbe.class), 60);
        return output.text();
    }

    @Test
    void aLibraryUserRunsTheVectorPlansByDefault() throws IOException, InterruptedException {
        String output = modeOfAFreshJvm();
        assertTrue(output.contains("mode=VECTOR"), output);
    }

    @Test
    void thePolicyIsTurnedOnByItsProperty() throws IOException, InterruptedException {
        String output = modeOfAFreshJvm("-Ddice4j.coldStart=auto");
        assertTrue(output.contains("mode=AUTO"), output);
    }
}
