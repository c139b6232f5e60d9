package dev.pipelinesdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a newcomer uses it: no configuration at all, so an embedded PostgreSQL and
 * generated sources in {@code ./pipeline-data}; the scheduler in one process, the other commands
 * in others against the same database; everything still there after a restart.
 */
class PipelineExampleJarIT {
    private static final Duration START_BOUND = Duration.ofMinutes(3);
    private static final Duration BOUND = Duration.ofMinutes(2);
    private static final Path JAR = Path.of("target", "pipeline-example.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path cwd;
    private Map<String, String> env;

    private ChildJvm jar(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaBinary(), "-Xmx512m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ChildJvm.exec(tmp, cwd, env, command);
    }

    private String command(int expectedExit, String... args) throws Exception {
        try (ChildJvm child = jar(args)) {
            assertThat(child.awaitExit(BOUND)).as("%s%s", List.of(args), child.diagnostics()).isEqualTo(expectedExit);
            return String.join("\n", child.stdout());
        }
    }

    private JsonNode statusFile() {
        Path file = cwd.resolve("pipeline-data/state/stops/status.json");
        try {
            return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null; // being replaced: read again
        }
    }

    @Test
    void theSchedulerRunsWithEmbeddedDefaultsAndTheOtherCommandsShareItsDatabase() throws Exception {
        assertThat(JAR).as("built by mvn package").exists();
        cwd = Files.createDirectory(tmp.resolve("service"));
        // the embedded server runs as an unprivileged user when this JVM is root: it must reach ./pipeline-data
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxr-xr-x"));
        env = new HashMap<>();
        for (String name : List.of("DATABASE_URL", "ATLAS_SOURCE_URL", "OSM_SOURCE_URL", "STATE_BACKEND", "REDIS_URL",
                "PIPELINE_STATE_DIR", "PIPELINE_SCHEDULE_CRON", "PIPELINE_API_TOKEN")) {
            env.put(name, null);
        }
        env.put("PIPELINE_SCHEDULE_INTERVAL_HOURS", "24");
        env.put("PIPELINE_HTTP_PORT", "0"); // any free port; the scheduler prints which

        String firstRun;
        try (ChildJvm scheduler = jar()) {
            scheduler.awaitLine("Scheduler started: stops every 24 h", START_BOUND);
            // an interval schedule runs at once on its first start
            JsonNode done = Await.result(START_BOUND, "the first scheduled run to succeed", () -> {
                JsonNode s = statusFile();
                return s != null && "succeeded".equals(s.path("state").asText()) ? s : null;
            });
            firstRun = done.get("runId").asText();
            String page = scheduler.awaitLine("Status page: http://localhost:", BOUND);
            int port = Integer.parseInt(page.replaceAll(".*localhost:(\\d+)/.*", "$1"));
            java.net.http.HttpResponse<String> api = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + "/api/system/pipeline_status?pipeline=stops")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(api.body()).get("runId").asText()).isEqualTo(firstRun);
            assertThat(done.get("trigger").asText()).isEqualTo("scheduled");
            assertThat(done.get("nextRunAt").isNull()).isFalse();

            String triggered = command(0, "trigger");
            assertThat(triggered).startsWith("Triggered stops: run ");
            String triggeredRun = triggered.substring("Triggered stops: run ".length()).strip();
            JsonNode skipped = Await.result(BOUND, "the triggered run to end", () -> {
                JsonNode s = statusFile();
                return s != null && triggeredRun.equals(s.path("runId").asText())
                        && !"running".equals(s.path("state").asText()) ? s : null;
            });
            assertThat(skipped.get("state").asText()).isEqualTo("skipped");
            assertThat(skipped.get("message").asText()).contains("sources unchanged");

            assertThat(command(0, "run")).contains("skipped").contains("sources unchanged");
            assertThat(command(0, "status")).startsWith("stops: skipped");
            JsonNode jobs = new ObjectMapper().readTree(command(0, "jobs", "--json"));
            assertThat(jobs.get(0).get("pipeline").asText()).isEqualTo("stops");
            assertThat(jobs.get(0).get("zone").asText()).isEqualTo("Europe/Zurich");

            scheduler.process().destroy(); // SIGTERM: a graceful stop
            assertThat(scheduler.awaitExit(BOUND)).isIn(0, 143);
            assertThat(scheduler.stderr()).contains("Pipeline scheduler").contains("stopped");
        }
        // the scheduler was the last process attached: it stopped the embedded server on its way out
        assertThat(cwd.resolve("pipeline-data/postgres/postmaster.pid")).doesNotExist();

        // a restart: the history and the schedule persist in ./pipeline-data/postgres
        JsonNode history = new ObjectMapper().readTree(command(0, "history", "--json"));
        assertThat(history).hasSize(3);
        assertThat(history.get(2).get("runId").asText()).isEqualTo(firstRun);
        assertThat(history.get(2).get("outcome").asText()).isEqualTo("succeeded");
        assertThat(history.get(0).get("outcome").asText()).isEqualTo("skipped");
        // the last process out stopped the embedded server
        Await.until(BOUND, "the embedded server to stop",
                () -> !Files.exists(cwd.resolve("pipeline-data/postgres/postmaster.pid")));
        assertThat(cwd.resolve("pipeline-data/sources/registry.csv")).exists();
    }
}
