/**
 * dice4j: soft Dice-family segmentation losses, their exact gradients and the hard Dice/IoU metric, on the JDK
 * Vector API over off-heap memory. The API is the package {@link org.dice4j}, and {@link org.dice4j.djl} for DJL;
 * everything else is internal.
 *
 * <p>The Vector API is optional at run time ({@code requires static}): with {@code --add-modules
 * jdk.incubator.vector} the vector kernels run, without it the scalar ones (one warning), and the vector classes
 * never load. picocli is needed only by the command line ({@code target/dice4j.jar}, which holds it). DJL is
 * optional too: {@code org.dice4j.djl} (a DJL loss and evaluator) needs {@code ai.djl.api} and an engine, nothing
 * else does.
 */
module org.dice4j {
    exports org.dice4j;
    exports org.dice4j.djl;

    requires static jdk.incubator.vector;
    // The command line only: its option parser, and the log level it sets for the library's kernel messages.
    requires static info.picocli;
    requires static java.logging;
    // The DJL adapter only. Not transitive: that would make every consumer's compilation need DJL; a module that
    // uses the adapter requires ai.djl.api itself.
    requires static ai.djl.api;

    opens org.dice4j.cli to info.picocli;
}
