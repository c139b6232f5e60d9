package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.MutableClock;
import dev.pipelinesdk.api.ContextKey;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerOutcomeTest {

    private static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");

    @TempDir
    Path work;

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStateBackend backend = new InMemoryStateBackend();
    private final InMemoryRunHistory history = new InMemoryRunHistory();
    private final RecordingListener listener = new RecordingListener();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private PipelineRunner runner;

    @BeforeEach
    void start() {
        runner = runner();
    }

    private PipelineRunner runner() {
        return PipelineRunner.builder(backend).clock(clock).history(history).listener(listener)
                .workDirectory(work).nodeId("test-node").build();
    }

    @AfterEach
    void close() {
        runner.close();
    }

    private Phase step(String name, Duration takes) {
        return Phase.of(name, ctx -> {
            ran.add(name);
            ctx.count("rows", 10);
            clock.advance(takes);
        });
    }

    private Phase failing(String name, Exception error) {
        return Phase.of(name, ctx -> {
            ran.add(name);
            throw error;
        });
    }

    private Pipeline abc() {
        return Pipeline.builder("stops")
                .phase(step("a", Duration.ofSeconds(10)))
                .phase(step("b", Duration.ofSeconds(20)))
                .phase(step("c", Duration.ofSeconds(30)))
                .build();
    }

    @Test
    void runOnce_allPhasesSucceed_reportsTimingsCountersAndPublishesSuccess() {
        RunReport report = runner.runOnce(abc(), Trigger.TEST, RunMode.full());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(report.phases()).extracting(p -> p.name() + ":" + p.outcome() + ":" + p.duration().toSeconds()
                + ":" + p.attempts()).containsExactly("a:SUCCEEDED:10:1", "b:SUCCEEDED:20:1", "c:SUCCEEDED:30:1");
        assertThat(report.counters()).containsEntry("rows", 30L);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(report.fencingToken()).isPositive();
        assertThat(report.owner()).isEqualTo("test-node");
        assertThat(report.trigger()).isEqualTo(Trigger.TEST);

        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(status.runId()).isEqualTo(report.runId());
        assertThat(status.startedAt()).isEqualTo(T0);
        assertThat(status.finishedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(status.elapsedMs()).isEqualTo(60_000L);
        assertThat(status.lastSuccessAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(status.phase()).isEqualTo("c");
        assertThat(status.phaseIndex()).isEqualTo(3);
        assertThat(status.phaseCount()).isEqualTo(3);
        assertThat(status.error()).isNull();
        assertThat(status.etaMs()).isNull();
        assertThat(status.message()).isEqualTo("Completed 3 phases in 1 min 0 s");

        assertThat(backend.currentHolder("stops")).as("lease released").isEmpty();
        assertThat(history.find(report.runId())).contains(report);
        assertThat(listener.events).containsExactly("run-started [a, b, c]",
                "phase-started a 1", "phase-finished a SUCCEEDED",
                "phase-started b 2", "phase-finished b SUCCEEDED",
                "phase-started c 3", "phase-finished c SUCCEEDED",
                "run-finished SUCCEEDED");
    }

    @Test
    void runOnce_phaseFails_stopsLaterPhasesKeepsLastSuccessAndReleasesLease() {
        RunReport first = runner.runOnce(abc());
        Instant lastSuccess = backend.readStatus("stops").orElseThrow().lastSuccessAt();
        ran.clear();
        Pipeline broken = Pipeline.builder("stops")
                .phase(step("a", Duration.ofSeconds(1)))
                .phase(failing("b", new IOException("source 'atlas' answered 503")))
                .phase(step("c", Duration.ofSeconds(1)))
                .build();

        RunReport report = runner.runOnce(broken);

        assertThat(first.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(ran).containsExactly("a", "b");
        assertThat(report.phases()).extracting(p -> p.name() + ":" + p.outcome())
                .containsExactly("a:SUCCEEDED", "b:FAILED");
        assertThat(report.error().phase()).isEqualTo("b");
        assertThat(report.error().type()).isEqualTo("IOException");
        assertThat(report.error().message()).isEqualTo("source 'atlas' answered 503");

        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.state()).isEqualTo(RunState.FAILED);
        assertThat(status.error()).isEqualTo(report.error());
        assertThat(status.lastSuccessAt()).isEqualTo(lastSuccess);
        assertThat(status.phase()).isEqualTo("b");
        assertThat(backend.currentHolder("stops")).isEmpty();
        assertThat(backend.tryAcquire("stops", "someone-else", Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void runOnce_phaseThrowsError_isReportedAsFailure() {
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("a", ctx -> {
            throw new OutOfMemoryError("Java heap space");
        })).build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.error().type()).isEqualTo("OutOfMemoryError");
    }

    @Test
    void runOnce_phaseRetriesThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        Phase flaky = Phase.of("download", ctx -> {
            assertThat(ctx.attempt()).isEqualTo(calls.incrementAndGet());
            if (calls.get() < 3) {
                throw new IOException("connection reset (attempt " + calls.get() + ")");
            }
        });
        Pipeline p = Pipeline.builder("stops").phase(flaky, Duration.ofMinutes(1),
                RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(5), 2).retryOn(IOException.class).build())
                .build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(report.phase("download").orElseThrow().attempts()).isEqualTo(3);
    }

    @Test
    void runOnce_retriesExhausted_failsWithLastError() {
        AtomicInteger calls = new AtomicInteger();
        Phase alwaysFails = Phase.of("download", ctx -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        });
        Pipeline p = Pipeline.builder("stops").phase(alwaysFails, Duration.ofMinutes(1),
                RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(1), 1).build()).build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.phase("download").orElseThrow().attempts()).isEqualTo(3);
        assertThat(report.error().message()).isEqualTo("attempt 3");
    }

    @Test
    void runOnce_errorNotInRetryOn_failsWithoutRetry() {
        AtomicInteger calls = new AtomicInteger();
        Phase p1 = Phase.of("download", ctx -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bad configuration");
        });
        Pipeline p = Pipeline.builder("stops").phase(p1, Duration.ofMinutes(1),
                RetryPolicy.builder().maxAttempts(5).backoff(Duration.ofMillis(1), 1).retryOn(IOException.class).build())
                .build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(calls).hasValue(1);
    }

    @Test
    void runOnce_phaseSkipsRest_endsSkippedWithReasonAndKeepsLastSuccess() {
        Pipeline p = Pipeline.builder("stops")
                .phase(new Phase() {
                    @Override
                    public String name() {
                        return "download";
                    }

                    @Override
                    public PhaseResult run(dev.pipelinesdk.api.PhaseContext ctx) {
                        ran.add("download");
                        return PhaseResult.skipRest("sources unchanged since last success");
                    }
                })
                .phase(step("import", Duration.ofSeconds(1)))
                .build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SKIPPED);
        assertThat(report.skipReason()).isEqualTo("sources unchanged since last success");
        assertThat(report.phases()).extracting(r -> r.outcome()).containsExactly(PhaseOutcome.SKIPPED_REST);
        assertThat(ran).containsExactly("download");
        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.state()).isEqualTo(RunState.SKIPPED);
        assertThat(status.message()).isEqualTo("sources unchanged since last success");
        assertThat(status.lastSuccessAt()).isNull();
    }

    @Test
    void runOnce_fromMode_runsThatPhaseAndLaterOnes() {
        RunReport report = runner.runOnce(abc(), Trigger.CLI, RunMode.parse("from:b"));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(ran).containsExactly("b", "c");
        assertThat(report.phases()).extracting(p -> p.name() + "#" + p.index()).containsExactly("b#1", "c#2");
        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.mode()).isEqualTo(RunMode.from("b"));
        assertThat(status.phaseCount()).isEqualTo(2);
    }

    @Test
    void runOnce_onlyMode_runsJustThosePhasesInPipelineOrder() {
        RunReport report = runner.runOnce(abc(), Trigger.CLI, RunMode.only("c", "a"));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void runOnce_modeNamesUnknownPhase_rejectsBeforeTakingTheLease() {
        assertThatThrownBy(() -> runner.runOnce(abc(), Trigger.CLI, RunMode.only("a", "matsch")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'matsch'")
                .hasMessageContaining("a, b, c");
        assertThat(ran).isEmpty();
        assertThat(backend.readStatus("stops")).isEmpty();
    }

    @Test
    void runOnce_valuesHandedBetweenPhases_andMissingValueFailsClearlyInFromMode() {
        ContextKey<Integer> count = ContextKey.of("downloaded-count", Integer.class);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Pipeline p = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> ctx.put(count, 42)))
                .phase(Phase.of("match", ctx -> seen.add(ctx.require(count))))
                .build();

        assertThat(runner.runOnce(p).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(seen).containsExactly(42);

        RunReport partial = runner.runOnce(p, Trigger.CLI, RunMode.from("match"));
        assertThat(partial.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(partial.error().message()).contains("downloaded-count").contains("from:match");
    }

    @Test
    void runOnce_workDirIsPrivateToTheRunAndDeletedAfterwards() {
        List<Path> dirs = new CopyOnWriteArrayList<>();
        List<String> perms = new CopyOnWriteArrayList<>();
        Pipeline p = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> {
                    Path dir = ctx.workDir();
                    dirs.add(dir);
                    perms.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
                    Files.writeString(dir.resolve("atlas.csv"), "number;name\n");
                }))
                .phase(Phase.of("match", ctx -> assertThat(ctx.workDir().resolve("atlas.csv")).exists()))
                .build();

        RunReport report = runner.runOnce(p);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(dirs.get(0)).startsWithRaw(work).endsWithRaw(Path.of("stops", report.runId()));
        assertThat(perms).containsExactly("rwx------");
        assertThat(dirs.get(0)).doesNotExist();
    }

    @Test
    void runOnce_listenerThrows_runIsUnaffected() {
        runner.close();
        runner = PipelineRunner.builder(backend).clock(clock).workDirectory(work)
                .listener(new dev.pipelinesdk.api.PipelineListener() {
                    @Override
                    public void onPhaseStarted(dev.pipelinesdk.api.RunInfo run, String phase, int index) {
                        throw new IllegalStateException("notification service down");
                    }
                }).build();

        assertThat(runner.runOnce(abc()).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(ran).containsExactly("a", "b", "c");
    }

    @Test
    void runOnce_afterClose_isRejected() {
        runner.close();
        assertThatThrownBy(() -> runner.runOnce(abc())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
