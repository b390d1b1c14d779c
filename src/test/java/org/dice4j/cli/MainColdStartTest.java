package org.dice4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A command-line process starts its kernels on the cold-start policy, unless the user set the property. */
class MainColdStartTest {
    private String saved;

    @BeforeEach
    void saveProperty() {
        saved = System.getProperty(Main.COLD_START_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(Main.COLD_START_PROPERTY);
        } else {
            System.setProperty(Main.COLD_START_PROPERTY, saved);
        }
    }

    @Test
    void theCommandLineTurnsThePolicyOn() {
        System.clearProperty(Main.COLD_START_PROPERTY);
        Main.preferColdStartPolicy();
        assertEquals("auto", System.getProperty(Main.COLD_START_PROPERTY));
    }

    @Test
    void aUsersChoiceIsKept() {
        System.setProperty(Main.COLD_START_PROPERTY, "vector");
        Main.preferColdStartPolicy();
        assertEquals("vector", System.getProperty(Main.COLD_START_PROPERTY));
    }
}
