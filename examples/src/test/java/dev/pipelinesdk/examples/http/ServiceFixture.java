package dev.pipelinesdk.examples.http;

import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.testing.MutableClock;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.export.ExportTracker;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.scheduling.PipelineScheduler;
import dev.pipelinesdk.core.scheduling.Schedule;
import dev.pipelinesdk.core.status.StatusFeed;
import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.pipeline.StopsFixture;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.pipeline.StopsTables;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import dev.pipelinesdk.file.FileStateBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The example service in this JVM, as the {@code scheduler} command wires it: real Postgres, the
 * file state backend, the scheduler with the stops pipeline, the status feed, the export tracker
 * and the HTTP server on a free port. The first scheduled run starts at once and holds just before
 * its import's swap until {@link #release()}.
 */
final class ServiceFixture implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789abcdef";
    static final ZoneId ZONE = ZoneId.of("Europe/Zurich");

    final StopsFixture db = new StopsFixture();
    final FileStateBackend backend;
    final PipelineScheduler scheduler;
    final StatusFeed feed;
    final MutableClock exportClock = new MutableClock(Instant.now());
    final ExportTracker exports;
    final StatusHttpServer server;
    final Path exportDir;
    private final CountDownLatch release = new CountDownLatch(1);

    ServiceFixture(Path tmp, Optional<String> token) throws Exception {
        this(tmp, token, false);
    }

    /**
     * @param warmUp {@code true} to record one successful run (of other sources) first, so that the
     *               held run has typical phase durations and therefore an ETA
     */
    ServiceFixture(Path tmp, Optional<String> token, boolean warmUp) throws Exception {
        Path sources = StopsFixture.generate(tmp.resolve("sources"));
        StopsTables.ensureSchema(db.dataSource);
        backend = FileStateBackend.open(tmp.resolve("state"));
        if (warmUp) {
            try (PipelineRunner runner = PipelineRunner.builder(backend).history(JdbcRunHistory.create(db.dataSource)).build()) {
                Pipeline first = StopsPipeline.builder(db.dataSource, tmp.resolve("pipeline-data"))
                        .sources(SourceUrl.ofFile(sources.resolve("registry.csv")), SourceUrl.ofFile(sources.resolve("osm.json")))
                        .fenceDomain(backend.description()).build();
                if (!runner.runOnce(first, Trigger.TEST, RunMode.full()).succeeded()) {
                    throw new IllegalStateException("the warm-up run failed");
                }
            }
            StopsGenerator.generate(sources, StopsFixture.STOPS, StopsFixture.SEED + 1); // new data for the held run
        }
        StopsPipeline.Builder stops = StopsPipeline.builder(db.dataSource, tmp.resolve("pipeline-data"))
                .sources(SourceUrl.ofFile(sources.resolve("registry.csv")), SourceUrl.ofFile(sources.resolve("osm.json")))
                .fenceDomain(backend.description())
                .beforeSwap(() -> {
                    try {
                        if (!release.await(2, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("not released within 2 min");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted at the swap", e);
                    }
                });
        scheduler = PipelineScheduler.builder(db.dataSource, backend)
                .pipeline(stops.build(), Schedule.every(Duration.ofHours(24), ZONE))
                .history(JdbcRunHistory.create(db.dataSource))
                .pollingInterval(Duration.ofSeconds(1))
                .build()
                .start();
        feed = StatusFeed.builder(backend).pipelines(StopsPipeline.NAME).pollInterval(Duration.ofMillis(100)).build();
        feed.start();
        exportDir = tmp.resolve("exports");
        exports = ExportTracker.builder(backend, StopsPipeline.NAME, exportDir).ttl(Duration.ofHours(1))
                .clock(exportClock).build();
        server = StatusHttpServer.builder(feed, scheduler)
                .pipeline(StopsPipeline.NAME, StopsPipeline.PHASES)
                .history(JdbcRunHistory.create(db.dataSource))
                .dataSource(db.dataSource)
                .exports(exports)
                .token(token)
                .zone(ZONE)
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build()
                .start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release();
        server.close();
        exports.close();
        feed.close();
        scheduler.close();
        backend.close();
    }
}
