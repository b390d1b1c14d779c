package org.dice4j.conformance;

/** What the suite does with one upstream case: assert it ({@link LossRun} and the others) or report why not. */
sealed interface Plan permits LossRun, MetricRun, DiceCrossEntropyRun, Skip, Broken {}
