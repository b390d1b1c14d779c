package org.dice4j.conformance;

/** A case not reproduced, with the reason. */
record Skip(String reason) implements Plan {}
