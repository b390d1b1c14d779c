package org.dice4j.conformance;

/** A case whose mapping threw: reported as a failure, never as a skip. */
record Broken(RuntimeException cause) implements Plan {}
