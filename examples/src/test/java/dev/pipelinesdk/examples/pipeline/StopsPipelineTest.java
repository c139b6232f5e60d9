package dev.pipelinesdk.examples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.stops.GroundTruth;
import dev.pipelinesdk.examples.stops.MatchQuality;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stops pipeline end to end in this JVM: real Postgres, generated sources, files on disk. */
class StopsPipelineTest {

    @TempDir
    Path tmp;

    private StopsFixture fixture;
    private Path sources;
    private Path dataDir;
    private InMemoryStateBackend backend;
    private PipelineRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StopsFixture();
        sources = StopsFixture.generate(tmp.resolve("sources"));
        dataDir = tmp.resolve("pipeline-data");
        backend = new InMemoryStateBackend();
        runner = PipelineRunner.builder(backend).history(JdbcRunHistory.create(fixture.dataSource)).build();
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private StopsPipeline.Builder pipeline() {
        return StopsPipeline.builder(fixture.dataSource, dataDir)
                .sources(SourceUrl.ofFile(sources.resolve("registry.csv")), SourceUrl.ofFile(sources.resolve("osm.json")));
    }

    private RunReport run(Pipeline pipeline) {
        return runner.runOnce(pipeline, Trigger.TEST, RunMode.full());
    }

    @Test
    void fullRunServesMatchesWithinTheQualityBoundsAndRecordsTheImport() throws Exception {
        RunReport report = run(pipeline().build());

        assertThat(report.outcome()).as("%s", report).isEqualTo(RunOutcome.SUCCEEDED);
        MatchQuality quality = MatchQuality.of(StopsFixture.servedMatches(fixture.dataSource),
                GroundTruth.read(sources.resolve("truth.csv")));
        System.out.println("Served matches vs ground truth: " + quality);
        assertThat(quality.precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(quality.recall()).isGreaterThanOrEqualTo(0.97);
        assertThat(StopsFixture.count(fixture.dataSource, "SELECT count(*) FROM stop_problems")).isPositive();
        assertThat(StopsFixture.count(fixture.dataSource,
                "SELECT count(DISTINCT kind) FROM stop_problems")).isGreaterThanOrEqualTo(4);

        StopsTables.Served served = StopsTables.served(fixture.dataSource, StopsPipeline.NAME).orElseThrow();
        assertThat(served.runId()).isEqualTo(report.runId());
        assertThat(served.fence()).isEqualTo(report.fencingToken());
        assertThat(served.matchRows()).isEqualTo(report.phase("import").orElseThrow().counters().get("match_rows"));
        assertThat(served.sources().registry().sha256()).hasSize(64);
        assertThat(report.phase("download").orElseThrow().counters().get("bytes_downloaded"))
                .isEqualTo(Files.size(sources.resolve("registry.csv")) + Files.size(sources.resolve("osm.json")));
        // no staging tables stay behind
        assertThat(StopsFixture.count(fixture.dataSource,
                "SELECT count(*) FROM pg_tables WHERE tablename ~ '^stop_(matches|problems)_'")).isZero();
    }

    @Test
    void unchangedSourcesSkipTheRunUnlessForcedAndATouchedFileWithTheSameContentCountsAsUnchanged() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);

        RunReport second = run(pipeline().build());
        assertThat(second.outcome()).isEqualTo(RunOutcome.SKIPPED);
        assertThat(second.skipReason()).contains("sources unchanged");
        assertThat(second.phase("download").orElseThrow().counters().get("sources_not_modified")).isEqualTo(2);
        assertThat(second.phases()).extracting(p -> p.name()).containsExactly("download");

        Files.setLastModifiedTime(sources.resolve("osm.json"), FileTime.from(Instant.now().plusSeconds(5)));
        RunReport touched = run(pipeline().build());
        assertThat(touched.outcome()).isEqualTo(RunOutcome.SKIPPED);
        assertThat(touched.phase("download").orElseThrow().counters().get("sources_not_modified")).isEqualTo(1);

        RunReport forced = run(pipeline().force(true).build());
        assertThat(forced.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
        assertThat(StopsTables.served(fixture.dataSource, StopsPipeline.NAME).orElseThrow().runId())
                .isEqualTo(forced.runId());
    }

    @Test
    void aMalformedRowFailsTheRunNamingFileAndLineAndKeepsTheServedData() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);
        String servedRun = StopsTables.served(fixture.dataSource, StopsPipeline.NAME).orElseThrow().runId();

        Path registry = sources.resolve("registry.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(registry, StandardCharsets.UTF_8));
        String[] fields = lines.get(10).split(";", -1);
        lines.set(10, String.join(";", java.util.Arrays.copyOf(fields, 3))); // line 11: too few fields
        Files.write(registry, lines, StandardCharsets.UTF_8);

        RunReport failed = run(pipeline().build());

        assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(failed.error().phase()).isEqualTo("match");
        assertThat(failed.error().message()).contains(registry.toString()).contains("line 11");
        assertThat(failed.phases()).extracting(p -> p.name()).doesNotContain("import");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
        assertThat(StopsTables.served(fixture.dataSource, StopsPipeline.NAME).orElseThrow().runId()).isEqualTo(servedRun);
    }

    @Test
    void theProblemGateFailsTheRunBeforeTheImport() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);

        RunReport gated = run(pipeline().force(true).maxProblemRatio(0.0).build());

        assertThat(gated.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(gated.error().phase()).isEqualTo("problems");
        assertThat(gated.error().message()).contains("STOPS_MAX_PROBLEM_RATIO").contains("nothing imported");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
        // the results on disk cannot be imported by hand either: the gate keeps no problems file
        RunReport importOnly = runner.runOnce(pipeline().build(), Trigger.TEST, RunMode.parse("only:import"));
        assertThat(importOnly.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(importOnly.error().message()).contains("No problem results");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
    }

    @Test
    void anImportWhoseFenceWasOvertakenIsRefusedAndTheServedDataStays() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);
        // a newer holder (larger token) has claimed the tables; this runner's next token is smaller
        StopsTables.claim(fixture.dataSource, StopsPipeline.NAME, 1_000_000L, "default");

        RunReport stale = run(pipeline().force(true).build());

        assertThat(stale.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(stale.error().phase()).isEqualTo("import");
        assertThat(stale.error().type()).contains("StaleFenceException");
        assertThat(stale.error().message()).contains("fencing token " + stale.fencingToken()).contains("1000000");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
    }

    @Test
    void theSwapChecksTheClaimAgainAfterTheCopy() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);
        // a newer holder claims the tables while this run is copying
        Pipeline overtaken = pipeline().force(true).beforeSwap(() -> {
            try {
                StopsTables.claim(fixture.dataSource, StopsPipeline.NAME, 2_000_000L, "default");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }).build();

        RunReport stale = run(overtaken);

        assertThat(stale.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(stale.error().type()).contains("StaleFenceException");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
    }

    @Test
    void aClaimOfAnotherStateBackendDoesNotBlockImportsForever() throws Exception {
        // e.g. the service moved from Redis (tokens near 10^15) to the file backend (tokens from 1)
        StopsTables.ensureSchema(fixture.dataSource);
        StopsTables.claim(fixture.dataSource, StopsPipeline.NAME, 1_700_000_000_000_000L, "redis://cache:6379/0");

        RunReport report = run(pipeline().fenceDomain("file:/var/lib/state").build());

        assertThat(report.outcome()).as("%s", report).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(StopsTables.served(fixture.dataSource, StopsPipeline.NAME).orElseThrow().runId())
                .isEqualTo(report.runId());
        // within one domain the larger token still wins
        StopsTables.claim(fixture.dataSource, StopsPipeline.NAME, 1_000_000L, "file:/var/lib/state");
        assertThat(run(pipeline().fenceDomain("file:/var/lib/state").force(true).build()).error().type())
                .contains("StaleFenceException");
    }

    @Test
    void anEmptySourceFailsTheRunAndKeepsTheServedData() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        String served = StopsFixture.servedDigest(fixture.dataSource);
        Path registry = sources.resolve("registry.csv");
        Files.writeString(registry, Files.readAllLines(registry, StandardCharsets.UTF_8).get(0) + "\n");

        RunReport empty = run(pipeline().build());

        assertThat(empty.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(empty.error().message()).contains(registry.toString()).contains("holds no registry stops");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(served);
    }

    @Test
    void changedMatchingSettingsRecomputeUnchangedSources() throws Exception {
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SKIPPED);

        RunReport wider = run(pipeline().radiusMetres(80).build());

        assertThat(wider.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(run(pipeline().radiusMetres(80).build()).outcome()).isEqualTo(RunOutcome.SKIPPED);
    }

    @Test
    void leftoverStagingTablesOfAnUnfinishedImportAreDropped() throws Exception {
        try (Connection c = fixture.dataSource.getConnection(); Statement s = c.createStatement()) {
            StopsTables.ensureSchema(fixture.dataSource);
            s.execute("CREATE TABLE stop_matches_f1 (LIKE stop_matches)");
            s.execute("CREATE TABLE stop_problems_f1 (LIKE stop_problems)");
        }
        assertThat(run(pipeline().build()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(StopsFixture.count(fixture.dataSource,
                "SELECT count(*) FROM pg_tables WHERE tablename ~ '^stop_(matches|problems)_f'")).isZero();
    }

    @Test
    void runModesStartFromKeptFilesAndRefuseResultsOfOtherSources() throws Exception {
        RunReport download = runner.runOnce(pipeline().build(), Trigger.TEST, RunMode.parse("only:download"));
        assertThat(download.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        RunReport rest = runner.runOnce(pipeline().build(), Trigger.TEST, RunMode.parse("from:match"));
        assertThat(rest.outcome()).as("%s", rest).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(rest.phases()).extracting(p -> p.name()).containsExactly("match", "problems", "import");

        // new sources downloaded, but the kept results are of the old ones
        StopsGenerator_regenerate(sources, StopsFixture.SEED + 1);
        assertThat(runner.runOnce(pipeline().build(), Trigger.TEST, RunMode.parse("only:download")).outcome())
                .isEqualTo(RunOutcome.SUCCEEDED);
        RunReport mismatched = runner.runOnce(pipeline().build(), Trigger.TEST, RunMode.parse("from:problems"));
        assertThat(mismatched.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(mismatched.error().message()).contains("computed from other sources");
    }

    private static void StopsGenerator_regenerate(Path dir, long seed) throws Exception {
        dev.pipelinesdk.examples.stops.StopsGenerator.generate(dir, StopsFixture.STOPS, seed);
    }

    @Test
    void httpSourcesAreFetchedWithConditionalRequestsAndUnchangedOnesSkipTheRun() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        server.createContext("/", exchange -> {
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    "reader:pa ss".getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                statuses.computeIfAbsent(401, k -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            Path file = sources.resolve(exchange.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String etag = "\"" + Files.size(file) + "-" + Files.getLastModifiedTime(file).toMillis() + "\"";
            int status = etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match")) ? 304 : 200;
            statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            exchange.getResponseHeaders().add("ETag", etag);
            if (status == 304) {
                exchange.sendResponseHeaders(304, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://reader:pa%20ss@127.0.0.1:" + server.getAddress().getPort() + "/";
            Pipeline overHttp = StopsPipeline.builder(fixture.dataSource, dataDir)
                    .sources(SourceUrl.parse("ATLAS_SOURCE_URL", base + "registry.csv", tmp),
                            SourceUrl.parse("OSM_SOURCE_URL", base + "osm.json", tmp))
                    .build();

            RunReport first = run(overHttp);
            assertThat(first.outcome()).as("%s", first).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(statuses.get(200)).hasValue(2);
            assertThat(statuses).doesNotContainKey(401);
            assertThat(backend.readStatus(StopsPipeline.NAME).orElseThrow().message()).doesNotContain("pa ss", "pa%20ss");

            RunReport second = run(overHttp);
            assertThat(second.outcome()).isEqualTo(RunOutcome.SKIPPED);
            assertThat(statuses.get(304)).hasValue(2);
            assertThat(second.phase("download").orElseThrow().counters().get("bytes_downloaded")).isZero();

            RunReport missing = run(StopsPipeline.builder(fixture.dataSource, dataDir)
                    .sources(SourceUrl.parse("ATLAS_SOURCE_URL", base + "nothing.csv", tmp),
                            SourceUrl.parse("OSM_SOURCE_URL", base + "osm.json", tmp)).build());
            assertThat(missing.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(missing.error().message()).contains("http://reader:***@127.0.0.1:").contains("nothing.csv answered HTTP 404");
        } finally {
            server.stop(0);
        }
    }
}
