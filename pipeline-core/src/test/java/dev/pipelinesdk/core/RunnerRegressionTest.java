package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Defects found in review, each pinned by the scenario that exposed it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnerRegressionTest {

    @TempDir
    Path work;

    private final FaultyBackend backend = new FaultyBackend();

    /** A phase that returns (rather than throws) as soon as it sees the cancellation, as its Javadoc allows. */
    private static Phase returnsWhenCancelled(CountDownLatch started) {
        return Phase.of("import", ctx -> {
            started.countDown();
            while (!ctx.isCancelled()) {
                Thread.onSpinWait();
            }
        });
    }

    @Test
    void cancelledRun_whoseLastPhaseReturnsOnIsCancelled_isNeverReportedSucceeded() throws Exception {
        Map<RunOutcome, Integer> outcomes = new TreeMap<>();
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(work).build()) {
            for (int i = 0; i < 100; i++) {
                CountDownLatch started = new CountDownLatch(1);
                Pipeline p = Pipeline.builder("stops").phase(returnsWhenCancelled(started)).build();
                CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> runner.runOnce(p));
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                runner.cancel("stops", "operator");
                outcomes.merge(run.get(20, TimeUnit.SECONDS).outcome(), 1, Integer::sum);
            }
        }
        assertThat(outcomes).containsOnlyKeys(RunOutcome.CANCELLED);
        assertThat(backend.readStatus("stops").orElseThrow().lastSuccessAt()).isNull();
    }

    @Test
    void leaseLost_whileLastPhaseReturns_neverOverwritesTheNewHoldersStatus() throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            FaultyBackend store = new FaultyBackend();
            try (PipelineRunner runner = PipelineRunner.builder(store).leaseTtl(Duration.ofMillis(300))
                    .cancelGrace(Duration.ofMillis(50)).workDirectory(work).build()) {
                CountDownLatch started = new CountDownLatch(1);
                Pipeline p = Pipeline.builder("stops").phase(returnsWhenCancelled(started)).build();
                CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> runner.runOnce(p));
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                PipelineStatus theirs = PipelineStatus.builder("stops").runId("their-run").state(RunState.RUNNING)
                        .trigger(Trigger.SCHEDULED).mode(RunMode.full()).build();
                store.publishStatus(theirs);
                store.renewRefused = true;
                RunReport report = run.get(20, TimeUnit.SECONDS);
                PipelineStatus now = store.readStatus("stops").orElseThrow();
                seen.merge(report.outcome() + " status=" + now.runId() + ":" + now.state(), 1, Integer::sum);
            }
        }
        assertThat(seen).containsOnlyKeys("LEASE_LOST status=their-run:RUNNING");
    }

    @Test
    void renewalThatHangsPastTheTtl_stillStopsTheRunBeforeAnotherOwnerGetsTheLease() throws Exception {
        AtomicBoolean cancelSeen = new AtomicBoolean();
        try (PipelineRunner runner = PipelineRunner.builder(backend).leaseTtl(Duration.ofMillis(900))
                .cancelGrace(Duration.ofMillis(100)).workDirectory(work).build()) {
            CountDownLatch started = new CountDownLatch(1);
            Pipeline p = Pipeline.builder("stops").phase(Phase.of("import", ctx -> {
                started.countDown();
                while (!ctx.isCancelled()) {
                    Thread.onSpinWait();
                }
                cancelSeen.set(true);
            })).build();
            backend.renewBlocks = new CountDownLatch(1);
            CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> runner.runOnce(p));
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

            Lease other = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (other == null && System.nanoTime() < deadline) {
                other = backend.inner.tryAcquire("stops", "other-node", Duration.ofMinutes(1)).orElse(null);
                Thread.sleep(1);
            }
            boolean stoppedBeforeTakeover = cancelSeen.get();
            backend.renewBlocks.countDown();

            assertThat(other).as("another node got the lease once it expired").isNotNull();
            assertThat(stoppedBeforeTakeover).as("the run was told to stop before the lease could pass on").isTrue();
            assertThat(run.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        }
    }

    @Test
    void closeRacingWithRunOnce_neitherThrowsFromTheRunNorLeaksTheLease() {
        PipelineRunner runner = PipelineRunner.builder(backend).leaseTtl(Duration.ofSeconds(30))
                .cancelGrace(Duration.ofMillis(10)).workDirectory(work).build();
        backend.beforeAcquire = () -> {
            Thread closer = new Thread(runner::close);
            closer.start();
            try {
                closer.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("import", ctx -> { })).build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isIn(RunOutcome.SUCCEEDED, RunOutcome.CANCELLED);
        assertThat(backend.currentHolder("stops")).isEmpty();
        assertThatThrownBy(() -> runner.runOnce(p)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void durationsTooLargeToMeasure_areRejectedByTheBuilders() {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        Phase phase = Phase.of("import", ctx -> { });

        assertThatThrownBy(() -> Pipeline.builder("stops").phase(phase, forever))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 30 days");
        assertThatThrownBy(() -> Pipeline.builder("stops").defaultTimeout(forever))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PipelineRunner.builder(backend).leaseTtl(forever))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTtl");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(forever, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
    }

    @Test
    void phaseStartDocument_carriesNoProgressOrMessageOfThePhaseBefore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(work).build()) {
            Pipeline p = Pipeline.builder("stops")
                    .phase(Phase.of("download", ctx -> {
                        ctx.progress(10, 10);
                        ctx.message("Downloaded 10 files");
                    }))
                    .phase(Phase.of("match", ctx -> release.await(20, TimeUnit.SECONDS)))
                    .build();
            CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> runner.runOnce(p));
            Await.until(() -> backend.published.stream().anyMatch(s -> "match".equals(s.phase())), "match to start");
            PipelineStatus first = backend.published.stream().filter(s -> "match".equals(s.phase())).findFirst()
                    .orElseThrow();
            release.countDown();
            run.get(20, TimeUnit.SECONDS);

            assertThat(first.message()).isNull();
            assertThat(first.progress()).isNull();
            assertThat(first.etaMs()).as("nothing to base an ETA on yet").isNull();
        }
    }

    @Test
    void transientReadFailureAtStart_isRetried_andLastSuccessSurvivesAFailedRun() {
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(work).build()) {
            runner.runOnce(Pipeline.builder("stops").phase(Phase.of("import", ctx -> { })).build());
            Instant lastSuccess = backend.readStatus("stops").orElseThrow().lastSuccessAt();
            backend.readFailures.set(1);

            RunReport failed = runner.runOnce(Pipeline.builder("stops").phase(Phase.of("import", ctx -> {
                throw new IOException("503");
            })).build());

            assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(failed.error().type()).isEqualTo("IOException");
            assertThat(backend.readStatus("stops").orElseThrow().lastSuccessAt()).isEqualTo(lastSuccess);
        }
    }

    @Test
    void storeUnreadableAtStart_failsTheRunBeforeAnyPhaseWithoutTouchingTheStatus() {
        AtomicBoolean ran = new AtomicBoolean();
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(work).build()) {
            runner.runOnce(Pipeline.builder("stops").phase(Phase.of("import", ctx -> { })).build());
            PipelineStatus before = backend.readStatus("stops").orElseThrow();
            backend.readFailures.set(100);

            RunReport report = runner.runOnce(Pipeline.builder("stops").phase(Phase.of("import", ctx -> ran.set(true)))
                    .build());
            backend.readFailures.set(0);

            assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(report.error().message()).contains("Could not read the previous status of 'stops'");
            assertThat(ran).isFalse();
            assertThat(backend.readStatus("stops")).contains(before);
            assertThat(backend.currentHolder("stops")).isEmpty();
        }
    }

    @Test
    void listenerThrowingAnAssertionError_doesNotEscapeRunOnce() {
        AtomicReference<String> finished = new AtomicReference<>();
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(work)
                .listener(new dev.pipelinesdk.api.PipelineListener() {
                    @Override
                    public void onRunFinished(RunReport report) {
                        finished.set(report.runId());
                        throw new AssertionError("listener bug");
                    }
                }).build()) {
            RunReport report = runner.runOnce(Pipeline.builder("stops").phase(Phase.of("import", ctx -> { })).build());

            assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(finished.get()).isEqualTo(report.runId());
        }
    }
}
