package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.MutableClock;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunnerConcurrencyTest {

    @TempDir
    Path work;

    private final FaultyBackend backend = new FaultyBackend();
    private PipelineRunner runner;

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void runOnce_eightThreadsAtOnce_exactlyOneRunsOthersGetHolderRunId() throws Exception {
        runner = PipelineRunner.builder(backend).workDirectory(work).build();
        int threads = 8;
        CountDownLatch othersDone = new CountDownLatch(threads - 1);
        AtomicInteger executions = new AtomicInteger();
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("import", ctx -> {
            executions.incrementAndGet();
            assertThat(othersDone.await(30, TimeUnit.SECONDS)).isTrue();
        })).build();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<RunReport>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    RunReport r = runner.runOnce(p);
                    if (r.outcome() == RunOutcome.ALREADY_RUNNING) {
                        othersDone.countDown();
                    }
                    return r;
                }));
            }
            go.countDown();
            List<RunReport> reports = new ArrayList<>();
            for (Future<RunReport> f : futures) {
                reports.add(f.get(40, TimeUnit.SECONDS));
            }

            List<RunReport> ran = reports.stream().filter(r -> r.outcome() == RunOutcome.SUCCEEDED).toList();
            List<RunReport> refused = reports.stream().filter(r -> r.outcome() == RunOutcome.ALREADY_RUNNING).toList();
            assertThat(ran).hasSize(1);
            assertThat(refused).hasSize(threads - 1);
            assertThat(refused).allSatisfy(r -> {
                assertThat(r.holderRunId()).isEqualTo(ran.get(0).runId());
                assertThat(r.phases()).isEmpty();
            });
            assertThat(executions).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void progress_millionsOfCalls_coalescedIntoFewBackendWrites() {
        Duration interval = Duration.ofMillis(100);
        runner = PipelineRunner.builder(backend).publishInterval(interval).workDirectory(work).build();
        AtomicLong calls = new AtomicLong();
        AtomicLong phaseNanos = new AtomicLong();
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("match", ctx -> {
            long start = System.nanoTime();
            long n = 0;
            // at least a second and at least two million calls, whichever takes longer
            while (n < 2_000_000 || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                ctx.progress(n, 50_000_000);
                n++;
            }
            calls.set(n);
            phaseNanos.set(System.nanoTime() - start);
        })).build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        long intervals = phaseNanos.get() / interval.toNanos();
        int writes = backend.published.size();
        assertThat(calls.get()).isGreaterThanOrEqualTo(2_000_000);
        // one write per interval at most, plus the phase-start and final documents
        assertThat(writes).isLessThanOrEqualTo((int) intervals + 3);
        assertThat(backend.published.stream().filter(s -> s.state() == RunState.RUNNING && s.progress() != null
                && s.progress().done() > 0)).as("progress reached the backend while running").isNotEmpty();
    }

    @Test
    void status_whileRunning_showsPhaseProgressMessageAndEta() throws Exception {
        runner = PipelineRunner.builder(backend).publishInterval(Duration.ofMillis(20)).workDirectory(work).build();
        CountDownLatch release = new CountDownLatch(1);
        Pipeline p = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> { }))
                .phase(Phase.of("match", ctx -> {
                    ctx.progress(12_000, 50_000);
                    ctx.message("Matched 12,000 of 50,000 stops");
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                }))
                .phase(Phase.of("import", ctx -> { }))
                .build();
        java.util.concurrent.CompletableFuture<RunReport> future =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.runOnce(p));

        Await.until(() -> backend.readStatus("stops").map(s -> s.progress() != null).orElse(false),
                "progress in the status");
        PipelineStatus live = backend.readStatus("stops").orElseThrow();
        release.countDown();
        RunReport report = future.get(30, TimeUnit.SECONDS);

        assertThat(live.state()).isEqualTo(RunState.RUNNING);
        assertThat(live.runId()).isEqualTo(report.runId());
        assertThat(live.phase()).isEqualTo("match");
        assertThat(live.phaseIndex()).isEqualTo(2);
        assertThat(live.phaseCount()).isEqualTo(3);
        assertThat(live.message()).isEqualTo("Matched 12,000 of 50,000 stops");
        assertThat(live.progress().fraction()).isEqualTo(0.24);
        assertThat(live.etaMs()).as("estimated from the live rate").isNotNull().isNotNegative();
        assertThat(live.finishedAt()).isNull();
        assertThat(live.elapsedMs()).isNotNegative();
        assertThat(live.trigger()).isNotNull();
        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    }

    @Test
    void status_idlePhase_refreshedByHeartbeatOnly() throws Exception {
        Duration heartbeat = Duration.ofMillis(100);
        runner = PipelineRunner.builder(backend).publishInterval(Duration.ofMillis(10))
                .heartbeat(heartbeat).workDirectory(work).build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong phaseStart = new AtomicLong();
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("match", ctx -> {
            phaseStart.set(System.nanoTime());
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
        })).build();
        java.util.concurrent.CompletableFuture<RunReport> future =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.runOnce(p));

        Await.until(() -> backend.published.size() >= 4, "heartbeat publishes");
        long idleNanos = System.nanoTime() - phaseStart.get();
        int whileIdle = backend.published.size();
        release.countDown();

        assertThat(future.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(backend.published.subList(0, 4)).allSatisfy(s -> assertThat(s.state()).isEqualTo(RunState.RUNNING));
        // nothing changed, so the 10 ms flush timer publishes only once per heartbeat (+1 for the phase start)
        assertThat(whileIdle).isLessThanOrEqualTo((int) (idleNanos / heartbeat.toNanos()) + 2);
    }

    @Test
    void eta_usesHistoryOfEarlierRuns() throws Exception {
        InMemoryRunHistory history = new InMemoryRunHistory();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-23T02:00:00Z"));
        runner = PipelineRunner.builder(backend).history(history).clock(clock).publishInterval(Duration.ofMillis(20))
                .workDirectory(work).build();
        Pipeline earlier = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> clock.advance(Duration.ofSeconds(60))))
                .phase(Phase.of("match", ctx -> clock.advance(Duration.ofSeconds(120)))).build();
        assertThat(runner.runOnce(earlier).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(history.typicalPhaseDurations("stops"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("download", Duration.ofSeconds(60), "match", Duration.ofSeconds(120)));

        CountDownLatch release = new CountDownLatch(1);
        Pipeline slow = Pipeline.builder("stops").phase(Phase.of("download", ctx -> {
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
        })).phase(Phase.of("match", ctx -> { })).build();
        java.util.concurrent.CompletableFuture<RunReport> future =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.runOnce(slow));
        Await.until(() -> backend.readStatus("stops").map(s -> s.state() == RunState.RUNNING).orElse(false),
                "the second run to start");
        PipelineStatus live = backend.readStatus("stops").orElseThrow();
        release.countDown();
        future.get(30, TimeUnit.SECONDS);

        // no progress reported: the rest of download (60 s minus the few ms it ran) plus match's 120 s
        assertThat(live.etaMs()).isBetween(170_000L, 180_000L);
    }
}
