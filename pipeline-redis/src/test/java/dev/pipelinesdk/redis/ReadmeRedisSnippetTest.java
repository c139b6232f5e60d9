package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.testing.ReadmeSnippets;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Redis wiring snippet of README.md: this file holds it verbatim, runs it, and checks README still shows it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeRedisSnippetTest {

    private static final Path SOURCE = Path.of("src/test/java/dev/pipelinesdk/redis/ReadmeRedisSnippetTest.java");
    private static final Path README = Path.of("../README.md");

    @TempDir
    Path tmp;

    private static void wiring(String redisUrl) {
        Pipeline pipeline = Pipeline.builder("stops").phase(Phase.of("download", ctx -> ctx.progress(1, 1))).build();
        // README redis begins
        RedisStateBackend backend = RedisStateBackend.builder(redisUrl) // System.getenv("REDIS_URL")
                .keyPrefix("myapp:")                                    // default "pipeline:"
                .build();                                               // connects on first use
        StatusSubscription live = backend.subscribe("stops",            // pushed to the web app, no polling
                status -> System.out.println(status.state() + " " + status.progress()));
        try (backend; live; PipelineRunner runner = PipelineRunner.builder(backend).build()) {
            RunReport report = runner.runOnce(pipeline);                // one run at a time on all nodes
            System.out.println(report.outcome());                       // SUCCEEDED
        }
        // README redis ends
    }

    @Test
    void snippetRunsAgainstARealServer() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start(tmp.resolve("redis"))) {
            String printed = ReadmeSnippets.stdoutOf(() -> wiring(server.url()));

            assertThat(printed.lines()).contains("SUCCEEDED");
            assertThat(server.command("EXISTS", "myapp:stops:status")).isEqualTo(1L);
        }
    }

    @Test
    void readmeShowsExactlyThisSnippet() throws IOException {
        ReadmeSnippets.assertReadmeShows(SOURCE, "redis", README);
    }
}
