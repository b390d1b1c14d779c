package org.dice4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile against the library as it is, without a deprecation warning: its blocks, in
 * order, form the body of one method (their imports go on top), with the {@code Tile}s the text
 * leaves to the reader declared around them.
 */
class ReadmeExampleTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theReadmesJavaBlocksCompile(@TempDir Path classes) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        Matcher block = JAVA_BLOCK.matcher(readme);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            for (String line : block.group(1).split("\n")) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
        }
        assertTrue(blocks >= 4, "the README's Java blocks: " + blocks);
        String source = imports + "import java.util.List;\n\nclass ReadmeExample {\n"
                + "    record Tile(Tensor logits, Tensor labels, Tensor gradient, int firstImage) {}\n\n"
                + "    static void example(List<Tile> tiles) throws Exception {\n" + body + "    }\n}\n";
        StringWriter diagnostics = new StringWriter();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "-proc:none", "-Xlint:deprecation,removal", "-Werror"));
        boolean compiled = javac.getTask(diagnostics, null, null, options, null, List.of(new Source(source))).call();
        assertTrue(compiled, diagnostics + "\n" + numbered(source));
        assertFalse(diagnostics.toString().contains("warning"), diagnostics.toString());
    }

    private static String numbered(String source) {
        StringBuilder text = new StringBuilder();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            text.append(i + 1).append(": ").append(lines[i]).append('\n');
        }
        return text.toString();
    }

    /** The example as an in-memory source file. */
    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String code) {
            super(URI.create("string:///ReadmeExample.java"), JavaFileObject.Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
