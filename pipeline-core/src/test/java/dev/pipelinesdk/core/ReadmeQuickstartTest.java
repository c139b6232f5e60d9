package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The quickstart of README.md: this file holds it verbatim, runs it, and checks README still shows it. */
class ReadmeQuickstartTest {

    private static final Path SOURCE = Path.of("src/test/java/dev/pipelinesdk/core/ReadmeQuickstartTest.java");
    private static final Path README = Path.of("../README.md");

    private static void quickstart() {
        // README quickstart begins
        Pipeline pipeline = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> ctx.progress(1, 1)))
                .phase(Phase.of("import", ctx -> ctx.count("rows", 42)))
                .build();
        try (PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).build()) {
            RunReport report = runner.runOnce(pipeline);
            System.out.println(report.outcome() + " " + report.counters()); // SUCCEEDED {rows=42}
        }
        // README quickstart ends
    }

    @Test
    void quickstartPrintsWhatItsCommentPromises() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            quickstart();
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualToIgnoringNewLines("SUCCEEDED {rows=42}");
    }

    @Test
    void readmeShowsExactlyThisSnippet() throws IOException {
        String source = Files.readString(SOURCE);
        String snippet = source.substring(source.indexOf("// README quickstart begins") + 28,
                        source.indexOf("        // README quickstart ends")).lines()
                .map(line -> line.substring(Math.min(8, line.length())))
                .collect(Collectors.joining("\n"));

        assertThat(Files.readString(README)).contains("```java\n" + snippet + "\n```");
    }
}
