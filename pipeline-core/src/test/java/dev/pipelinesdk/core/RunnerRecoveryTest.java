package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.Trigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerRecoveryTest {

    @TempDir
    Path work;

    private final FaultyBackend backend = new FaultyBackend();
    private final InMemoryRunHistory history = new InMemoryRunHistory();
    private final RecordingListener listener = new RecordingListener();
    private PipelineRunner runner;
    private final Pipeline pipeline = Pipeline.builder("stops")
            .phase(Phase.of("download", ctx -> { }))
            .phase(Phase.of("import", ctx -> { }))
            .build();

    @BeforeEach
    void start() {
        runner = PipelineRunner.builder(backend).history(history).listener(listener).workDirectory(work).build();
    }

    @AfterEach
    void close() {
        runner.close();
    }

    private static PipelineStatus crashedRun(String runId) {
        return PipelineStatus.builder("stops").runId(runId).state(RunState.RUNNING).trigger(Trigger.SCHEDULED)
                .mode(RunMode.full()).phase("import").phaseIndex(2).phaseCount(2)
                .startedAt(Instant.parse("2026-11-23T02:00:00Z")).updatedAt(Instant.parse("2026-11-23T02:05:00Z"))
                .lastSuccessAt(Instant.parse("2026-11-22T02:10:00Z")).build();
    }

    @Test
    void runOnce_statusSaysRunningWithoutLease_recordsAbandonedRunThenRuns() {
        backend.publishStatus(crashedRun("crashed-run"));

        RunReport report = runner.runOnce(pipeline);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        RunReport abandoned = history.find("crashed-run").orElseThrow();
        assertThat(abandoned.outcome()).isEqualTo(RunOutcome.ABANDONED);
        assertThat(abandoned.trigger()).isEqualTo(Trigger.SCHEDULED);
        assertThat(abandoned.startedAt()).isEqualTo(Instant.parse("2026-11-23T02:00:00Z"));
        assertThat(abandoned.finishedAt()).isEqualTo(Instant.parse("2026-11-23T02:05:00Z"));
        assertThat(abandoned.error().phase()).isEqualTo("import");
        assertThat(abandoned.error().type()).isEqualTo("Abandoned");
        assertThat(listener.abandoned).extracting(RunReport::runId).containsExactly("crashed-run");
        assertThat(history.recent("stops", 10)).extracting(RunReport::outcome)
                .containsExactly(RunOutcome.SUCCEEDED, RunOutcome.ABANDONED);
    }

    @Test
    void runOnce_abandonedRunKeepsItsLastSuccessTime() {
        backend.publishStatus(crashedRun("crashed-run"));
        Pipeline failing = Pipeline.builder("stops").phase(Phase.of("download", ctx -> {
            throw new IllegalStateException("boom");
        })).build();

        runner.runOnce(failing);

        assertThat(backend.readStatus("stops").orElseThrow().lastSuccessAt())
                .isEqualTo(Instant.parse("2026-11-22T02:10:00Z"));
    }

    @Test
    void runOnce_runAlreadyRecorded_isNotRecordedAgainAsAbandoned() {
        RunReport first = runner.runOnce(pipeline);
        backend.publishStatus(crashedRun(first.runId())); // e.g. its final status write had failed

        runner.runOnce(pipeline);

        assertThat(history.find(first.runId()).orElseThrow().outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(listener.abandoned).isEmpty();
    }

    @Test
    void runOnce_finishedStatus_isNotMistakenForAbandoned() {
        runner.runOnce(pipeline);
        runner.runOnce(pipeline);

        assertThat(listener.abandoned).isEmpty();
        assertThat(history.recent("stops", 10)).extracting(RunReport::outcome)
                .containsOnly(RunOutcome.SUCCEEDED);
    }

    @Test
    void runOnce_unreadablePreviousStatus_isReplaced() {
        backend.inner.writeRawStatus("stops", "{\"pipeline\":\"stops\",".getBytes(StandardCharsets.UTF_8));

        RunReport report = runner.runOnce(pipeline);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(backend.readStatus("stops").orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void runOnce_statusPublishFails_runStillSucceeds() {
        backend.publishThrows = true;

        RunReport report = runner.runOnce(pipeline);

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(backend.currentHolder("stops")).isEmpty();
        assertThat(history.find(report.runId())).isPresent();
    }

    /** A pipeline whose phase makes every later publish fail, as a store going down mid-run does. */
    private Pipeline storeGoesDownDuringTheRun() {
        return Pipeline.builder("stops").phase(Phase.of("import", ctx -> backend.publishThrows = true)).build();
    }

    @Test
    void runOnce_finalStatusCouldNotBePublished_isPublishedOnceTheStoreIsBack() {
        RunReport report = runner.runOnce(storeGoesDownDuringTheRun());
        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(backend.inner.readStatus("stops").orElseThrow().state()).isEqualTo(RunState.RUNNING);

        backend.publishThrows = false;

        Await.until(() -> backend.inner.readStatus("stops").orElseThrow().state() == RunState.SUCCEEDED,
                "the final status to be published by a retry");
        assertThat(backend.inner.readStatus("stops").orElseThrow().runId()).isEqualTo(report.runId());
    }

    @Test
    void runOnce_finalStatusRetry_neverReplacesTheStatusOfALaterRun() {
        PipelineStatus later = PipelineStatus.builder("stops").runId("later-run").state(RunState.RUNNING)
                .trigger(Trigger.SCHEDULED).mode(RunMode.full()).build();
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("import", ctx -> {
            backend.publishThrows = true;
            backend.inner.publishStatus(later); // the store lost our lease and another run started
        })).build();
        runner.runOnce(p);
        int reads = backend.statusReads.get();
        int attempts = backend.publishAttempts.get();

        backend.publishThrows = false;

        Await.until(() -> backend.statusReads.get() > reads, "a retry to look at the stored status");
        assertThat(backend.inner.readStatus("stops")).contains(later);
        assertThat(backend.publishAttempts.get()).as("no write after seeing the later run").isEqualTo(attempts);
    }

    @Test
    void runOnce_backendUnreachable_throwsClearErrorAndRunsNothing() {
        backend.unreachable = true;
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        Pipeline p = Pipeline.builder("stops").phase(Phase.of("download", ctx -> ran.set(true))).build();

        assertThatThrownBy(() -> runner.runOnce(p))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(ran).isFalse();
    }
}
