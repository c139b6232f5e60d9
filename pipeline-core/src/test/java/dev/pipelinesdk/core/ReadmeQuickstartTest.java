package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.testing.ReadmeSnippets;
import java.io.IOException;
import java.nio.file.Path;
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
    void quickstartPrintsWhatItsCommentPromises() throws Exception {
        assertThat(ReadmeSnippets.stdoutOf(ReadmeQuickstartTest::quickstart)).isEqualToIgnoringNewLines("SUCCEEDED {rows=42}");
    }

    @Test
    void readmeShowsExactlyThisSnippet() throws IOException {
        ReadmeSnippets.assertReadmeShows(SOURCE, "quickstart", README);
    }
}
