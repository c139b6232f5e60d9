package dev.pipelinesdk.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Keeps README code snippets honest: a test holds the snippet verbatim between the comments
 * {@code // README <name> begins} and {@code // README <name> ends} (indented by 8 spaces), runs it,
 * and checks that the README shows exactly that code. Shipped in the test-jar.
 */
public final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /** Code that may throw, e.g. a README snippet. */
    @FunctionalInterface
    public interface Snippet {
        /** @throws Exception whatever the snippet throws */
        void run() throws Exception;
    }

    /**
     * @param source the test source file holding the snippet
     * @param name   the snippet's name in its marker comments
     * @param readme the README that must show it in a {@code ```java} block
     * @throws IOException when a file cannot be read
     */
    public static void assertReadmeShows(Path source, String name, Path readme) throws IOException {
        String text = Files.readString(source);
        String begin = "// README " + name + " begins\n";
        String end = "        // README " + name + " ends";
        assertThat(text).as("markers of snippet '%s' in %s", name, source).contains(begin, end);
        String snippet = text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end)).lines()
                .map(line -> line.substring(Math.min(8, line.length())))
                .collect(Collectors.joining("\n"));

        assertThat(Files.readString(readme)).contains("```java\n" + snippet + "\n```");
    }

    /**
     * @param snippet code that prints
     * @return what it printed to {@code System.out}
     * @throws Exception whatever the snippet throws
     */
    public static String stdoutOf(Snippet snippet) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            snippet.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
