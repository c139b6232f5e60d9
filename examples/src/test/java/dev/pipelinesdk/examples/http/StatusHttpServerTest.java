package dev.pipelinesdk.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.embeddedpg.Sql;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the example service over real HTTP (JDK HttpClient), against a started
 * service: first while its first run holds before the import's swap, then after it succeeded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusHttpServerTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private ServiceFixture service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(tmp, Optional.of(ServiceFixture.TOKEN));
        Await.until(BOUND, "the first run to reach the import", () -> "import".equals(status().path("phase").asText()));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(service.uri(path)).timeout(BOUND).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(service.uri(path)).timeout(BOUND)
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(get("/api/system/pipeline_status?pipeline=stops").body());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json(r);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    @Order(1)
    void whileARunIsActiveTheStatusShowsItAndATriggerAnswers409WithItsId() throws Exception {
        JsonNode running = status();
        assertThat(running.get("state").asText()).isEqualTo("running");
        assertThat(running.get("phaseIndex").asInt()).isEqualTo(4);
        assertThat(running.get("phaseCount").asInt()).isEqualTo(4);
        assertThat(running.get("version").asInt()).isEqualTo(1);
        JsonNode all = json(get("/api/system/pipeline_status"));
        assertThat(all.isArray()).isTrue();
        assertThat(all.get(0).get("runId")).isEqualTo(running.get("runId"));
        assertJsonError(get("/api/system/pipeline_status?pipeline=nope"), 404);

        assertJsonError(post("/api/system/pipelines/stops/run", "", null), 401);
        assertThat(post("/api/system/pipelines/stops/run", "", null).headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertJsonError(post("/api/system/pipelines/stops/run", "", "wrong-token-0123456789abc"), 401);
        assertJsonError(post("/api/system/pipelines/nope/run", "", ServiceFixture.TOKEN), 404);
        assertJsonError(post("/api/system/pipelines/stops/run", "{\"mode\": \"only:nope\"}", ServiceFixture.TOKEN), 400);

        HttpResponse<String> busy = post("/api/system/pipelines/stops/run", "", ServiceFixture.TOKEN);
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(json(busy).get("runId").asText()).isEqualTo(running.get("runId").asText());
    }

    @Test
    @Order(2)
    void theEventStreamSendsTheCurrentStateThenEveryChangeUntilTheRunSucceeds() throws Exception {
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(service.uri("/api/system/events")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("CLOSED " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(nextData(lines).get("state").asText()).isEqualTo("running");
            service.release();
            JsonNode last;
            long deadline = System.nanoTime() + BOUND.toNanos();
            do {
                assertThat(System.nanoTime()).as("a succeeded event within %s", BOUND).isLessThan(deadline);
                last = nextData(lines);
            } while (!"succeeded".equals(last.get("state").asText()));
            assertThat(last.get("finishedAt").isNull()).isFalse();
        } finally {
            stream.body().close();
        }
    }

    private static JsonNode nextData(BlockingQueue<String> lines) throws Exception {
        while (true) {
            String line = lines.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(line).as("an event within %s", BOUND).isNotNull();
            assertThat(line).doesNotStartWith("CLOSED");
            if (line.startsWith("data: ")) {
                return JSON.readTree(line.substring(6));
            }
        }
    }

    @Test
    @Order(3)
    void jobsAndHealthAfterTheRun() throws Exception {
        Await.until(BOUND, "the run to succeed", () -> "succeeded".equals(status().path("state").asText()));
        JsonNode jobs = json(get("/api/system/jobs"));
        assertThat(jobs.get(0).get("pipeline").asText()).isEqualTo("stops");
        assertThat(jobs.get(0).get("zone").asText()).isEqualTo("Europe/Zurich");
        assertThat(jobs.get(0).get("nextRunAtLocal").asText()).matches(".*\\+0[12]:00");
        assertThat(jobs.get(0).get("lastOutcome").asText()).isEqualTo("succeeded");
        assertThat(jobs.get(0).get("phaseWeights")).hasSize(4);

        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("healthy").asBoolean()).isTrue();
    }

    @Test
    @Order(4)
    void problemsArePagedAndFilteredWithinBounds() throws Exception {
        long total = Sql.queryLong(service.db.dataSource, "SELECT count(*) FROM stop_problems");
        JsonNode page = json(get("/api/problems?limit=5&offset=2"));
        assertThat(page.get("total").asLong()).isEqualTo(total);
        assertThat(page.get("items")).hasSize(5);
        JsonNode filtered = json(get("/api/problems?kind=unmatched_osm&limit=500"));
        assertThat(filtered.get("items")).isNotEmpty().allSatisfy(i -> assertThat(i.get("kind").asText()).isEqualTo("unmatched_osm"));
        assertThat(filtered.get("total").asLong()).isEqualTo(
                Sql.queryLong(service.db.dataSource, "SELECT count(*) FROM stop_problems WHERE kind = 'unmatched_osm'"));
        assertJsonError(get("/api/problems?limit=501"), 400);
        assertJsonError(get("/api/problems?offset=-1"), 400);
        assertJsonError(get("/api/problems?kind=nope"), 400);
        assertJsonError(get("/api/problems?kind=a&kind=b"), 400);
    }

    @Test
    @Order(5)
    void anExportRunsInTheBackgroundAndItsFileMatchesItsMetadataUntilItExpires() throws Exception {
        assertJsonError(post("/api/exports", "{\"table\":\"stop_problems\"}", null), 401);
        assertJsonError(post("/api/exports", "{\"table\":\"pg_authid\"}", ServiceFixture.TOKEN), 400);
        assertJsonError(post("/api/exports", "{\"table\":\"stop_problems\",\"filter\":{\"kind\":\"x'; DROP TABLE stop_problems; --\"}}",
                ServiceFixture.TOKEN), 400);

        HttpResponse<String> started = post("/api/exports",
                "{\"table\":\"stop_problems\",\"filter\":{\"kind\":\"unmatched_registry\"}}", ServiceFixture.TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).get("id").asText();
        JsonNode done = Await.result(BOUND, "the export to complete", () -> {
            JsonNode r = json(get("/api/exports/" + id));
            return "running".equals(r.get("state").asText()) ? null : r;
        });
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("completed");
        assertThat(done.toString()).doesNotContain(service.exportDir.toString());

        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(service.uri("/api/exports/" + id + "/file")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file.body())))
                .isEqualTo(done.get("file").get("sha256").asText());
        assertThat((long) file.body().length).isEqualTo(done.get("file").get("sizeBytes").asLong());
        String csv = new String(file.body(), StandardCharsets.UTF_8);
        assertThat(csv).startsWith("atlas_id,osm_id,kind,detail");
        long rows = Sql.queryLong(service.db.dataSource, "SELECT count(*) FROM stop_problems WHERE kind = 'unmatched_registry'");
        assertThat(done.get("file").get("rows").asLong()).isEqualTo(rows).isPositive();

        // the export registry names the files; nothing from the request reaches the file system
        for (String evil : new String[] {"/api/exports/..%2F..%2Fetc%2Fpasswd/file", "/api/exports/%2e%2e/file",
                "/api/exports/" + id + "%2F..%2F..%2Fstate/file", "/static/..%2Fapplication.properties",
                "/static/%2e%2e%2flogback.xml"}) {
            HttpResponse<String> r = get(evil);
            assertThat(r.statusCode()).as(evil).isEqualTo(404);
        }

        service.exportClock.advance(Duration.ofHours(2));
        service.exports.purgeExpired();
        assertJsonError(get("/api/exports/" + id), 404);
        assertJsonError(get("/api/exports/" + id + "/file"), 404);
        try (Stream<Path> left = Files.list(service.exportDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    @Order(6)
    void badRequestsGetJsonErrorsWithoutStackTraces() throws Exception {
        assertJsonError(get("/nope"), 404);
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(service.uri("/api/system/jobs"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertJsonError(wrongMethod, 405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertJsonError(post("/api/exports", "{\"table\": \"" + "x".repeat(20_000) + "\"}", ServiceFixture.TOKEN), 413);
        assertJsonError(post("/api/exports", "{\"table\": ", ServiceFixture.TOKEN), 400);
        assertJsonError(post("/api/exports", "[1, 2]", ServiceFixture.TOKEN), 400);
        assertJsonError(post("/api/system/pipelines/stops/run", "{\"mode\": 7}", ServiceFixture.TOKEN), 400);
    }

    @Test
    @Order(7)
    void theTriggerAnswers202WithTheNewRunId() throws Exception {
        HttpResponse<String> accepted = post("/api/system/pipelines/stops/run", "{\"mode\": \"full\"}", ServiceFixture.TOKEN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String runId = json(accepted).get("runId").asText();
        JsonNode ended = Await.result(BOUND, "the triggered run to end", () -> {
            JsonNode s = status();
            return runId.equals(s.path("runId").asText()) && !"running".equals(s.path("state").asText()) ? s : null;
        });
        assertThat(ended.get("trigger").asText()).isEqualTo("http");
        assertThat(ended.get("state").asText()).isEqualTo("skipped");
    }

    @Test
    @Order(8)
    void thePageAndItsAssetsComeFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("maintenance-overlay");
        assertThat(get("/static/status.js").statusCode()).isEqualTo(200);
        assertThat(get("/static/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(9)
    void withoutATokenWritesAreForbiddenWithAHowTo() throws Exception {
        try (ServiceFixture open = new ServiceFixture(tmp.resolve("second"), Optional.empty())) {
            open.release();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(open.uri("/api/system/pipelines/stops/run"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer anything-at-all-123")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertJsonError(r, 403);
            assertThat(r.body()).contains("PIPELINE_API_TOKEN");
        }
    }
}
