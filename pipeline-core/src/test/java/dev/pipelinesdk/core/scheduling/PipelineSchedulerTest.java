package dev.pipelinesdk.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.core.FaultyBackend;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.RunQuery;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One or two scheduler instances in this JVM on a real Postgres database. */
class PipelineSchedulerTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

    @TempDir
    Path tmp;
    private DataSource db;
    private JdbcRunHistory history;
    private final InMemoryStateBackend backend = new InMemoryStateBackend();
    private final List<PipelineScheduler> schedulers = new ArrayList<>();

    @BeforeEach
    void database() {
        db = PostgresServer.shared().newDatabase().dataSource();
        SchemaMigrations.migrate(db);
        history = JdbcRunHistory.create(db);
    }

    @AfterEach
    void stopAll() {
        schedulers.forEach(PipelineScheduler::close);
    }

    private PipelineScheduler.Builder builder(String node) {
        return PipelineScheduler.builder(db, backend).history(history).nodeId(node)
                .pollingInterval(Duration.ofMillis(200)).leaseTtl(Duration.ofSeconds(3));
    }

    private PipelineScheduler started(PipelineScheduler.Builder b) {
        PipelineScheduler s = b.build();
        schedulers.add(s);
        return s.start();
    }

    private List<RunReport> runs(String pipeline, RunOutcome outcome) {
        return history.recent(RunQuery.builder().pipeline(pipeline).outcome(outcome).limit(1000).build());
    }

    @Test
    void twoInstancesRunEveryTickOnceWithoutOverlap() throws Exception {
        Path log = tmp.resolve("work.log");
        Schedule everySecond = Schedule.every(Duration.ofSeconds(1), ZURICH);
        started(builder("node-a").pipeline(WorkLog.pipeline("tick", log, "node-a", 300), everySecond));
        started(builder("node-b").pipeline(WorkLog.pipeline("tick", log, "node-b", 300), everySecond));

        Await.until(BOUND, "6 scheduled runs", () -> runs("tick", RunOutcome.SUCCEEDED).size() >= 6);
        schedulers.forEach(PipelineScheduler::stop);

        List<WorkLog.Interval> work = WorkLog.read(log);
        assertThat(WorkLog.overlaps(work)).isEmpty();
        List<RunReport> recorded = history.recent(RunQuery.builder().pipeline("tick").limit(1000).build());
        assertThat(recorded).extracting(RunReport::runId).doesNotHaveDuplicates();
        assertThat(recorded).allMatch(r -> r.trigger() == Trigger.SCHEDULED);
        // every run that did work is recorded once, and no tick ran twice: a second run of one tick
        // would start right after the first ended, well under the 1 s interval
        assertThat(recorded.stream().filter(r -> r.outcome() == RunOutcome.SUCCEEDED).count())
                .isEqualTo(work.stream().filter(w -> w.end() != null).count());
        for (int i = 1; i < work.size(); i++) {
            assertThat(Duration.between(work.get(i - 1).start(), work.get(i).start()))
                    .as("start of run %d after run %d", i, i - 1).isGreaterThan(Duration.ofMillis(700));
        }
    }

    @Test
    void aTriggerRunsAtOnceAndIsRefusedWhileARunIsActive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Pipeline slow = Pipeline.builder("manual").phase(Phase.of("wait", ctx -> {
            running.countDown();
            release.await(30, TimeUnit.SECONDS);
        })).build();
        PipelineScheduler s = started(builder("node-a").pipeline(slow).pollingInterval(Duration.ofSeconds(30)));

        TriggerResult first = s.trigger("manual");
        assertThat(first.status()).isEqualTo(TriggerResult.Status.ACCEPTED);
        // immediate execution: the run starts although the next poll is 30 s away
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        TriggerResult second = s.trigger("manual");
        assertThat(second.status()).isEqualTo(TriggerResult.Status.ALREADY_RUNNING);
        assertThat(second.runId()).isEqualTo(first.runId());
        TriggerResult fromDatabaseOnly = PipelineSchedulerClient.connect(db).trigger("manual");
        assertThat(fromDatabaseOnly.status()).isEqualTo(TriggerResult.Status.ALREADY_RUNNING);
        assertThat(fromDatabaseOnly.runId()).isEqualTo(first.runId());

        release.countDown();
        RunReport done = Await.result(BOUND, "triggered run recorded",
                () -> history.find(first.runId()).orElse(null));
        assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(done.trigger()).isEqualTo(Trigger.MANUAL);
        assertThatThrownBy(() -> s.trigger("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown pipeline 'nope'").hasMessageContaining("manual");
    }

    @Test
    void anAcceptedTriggerThatLosesTheLeaseRaceIsRecorded() throws Exception {
        Pipeline p = Pipeline.builder("raced").phase(Phase.of("p", ctx -> { })).build();
        started(builder("node-a").pipeline(p));
        // a run the database does not know of (e.g. started by `runOnce` elsewhere) holds the lease
        try (var lease = backend.tryAcquire("raced", "other-run-1", Duration.ofMinutes(1)).orElseThrow()) {
            TriggerResult r = PipelineSchedulerClient.connect(db).trigger("raced");
            assertThat(r.status()).isEqualTo(TriggerResult.Status.ACCEPTED);
            RunReport refused = Await.result(BOUND, "the refused trigger recorded",
                    () -> history.find(r.runId()).orElse(null));
            assertThat(refused.outcome()).isEqualTo(RunOutcome.ALREADY_RUNNING);
            assertThat(refused.holderRunId()).isEqualTo("other-run-1");
        }
    }

    @Test
    void aTriggerDoesNotMoveTheRecurringSchedule() throws Exception {
        Path log = tmp.resolve("work.log");
        PipelineScheduler s = started(builder("node-a")
                .pipeline(WorkLog.pipeline("daily", log, "node-a", 10), Schedule.dailyAt(ZURICH, LocalTime.of(2, 30))));
        Instant next = s.jobs().get(0).nextRunAt();
        assertThat(next).isAfter(Instant.now());

        TriggerResult r = s.trigger("daily");
        Await.until(BOUND, "triggered run recorded", () -> history.find(r.runId()).isPresent());

        JobInfo job = s.jobs().get(0);
        assertThat(job.nextRunAt()).isEqualTo(next);
        assertThat(job.schedule()).isEqualTo("daily at 02:30");
        assertThat(job.zone()).isEqualTo(ZURICH);
        assertThat(job.lastOutcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(job.running()).isFalse();
        PipelineStatus status = backend.readStatus("daily").orElseThrow();
        assertThat(status.nextRunAt()).isEqualTo(next);
    }

    @Test
    void aLateInstantIsRecordedMissedOnceAndTheNextRegularInstantIsKept() throws Exception {
        Path log = tmp.resolve("work.log");
        Schedule every2s = Schedule.every(Duration.ofSeconds(2), ZURICH);
        PipelineScheduler first = started(builder("node-a").misfireGrace(Duration.ofMillis(300))
                .pipeline(WorkLog.pipeline("tick", log, "node-a", 10), every2s));
        Await.until(BOUND, "first run", () -> runs("tick", RunOutcome.SUCCEEDED).size() >= 1);
        first.stop();
        Instant due = PipelineSchedulerClient.connect(db).jobs().get(0).nextRunAt();
        // stay down across that instant and the next one, well past the grace
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), due).toMillis()) + 2_500);

        int before = runs("tick", RunOutcome.SUCCEEDED).size();
        started(builder("node-b").misfireGrace(Duration.ofMillis(300))
                .pipeline(WorkLog.pipeline("tick", log, "node-b", 10), every2s));
        RunReport missed = Await.result(BOUND, "missed record", () -> {
            List<RunReport> m = runs("tick", RunOutcome.MISSED);
            return m.isEmpty() ? null : m.get(0);
        });
        assertThat(missed.skipReason()).contains("due " + due).contains("misfire grace");
        Await.until(BOUND, "the next regular run", () -> runs("tick", RunOutcome.SUCCEEDED).size() > before);
        assertThat(runs("tick", RunOutcome.MISSED)).hasSize(1);
        // the run after the restart is on the 2 s grid through the missed instant, not a burst
        List<RunReport> after = runs("tick", RunOutcome.SUCCEEDED);
        assertThat(after.size() - before).isEqualTo(1);
        long offsetMs = Duration.between(due, after.get(0).startedAt()).toMillis() % 2000;
        assertThat(offsetMs).isLessThan(1500);
    }

    @Test
    void schedulesAndHistorySurviveARestart() throws Exception {
        Path log = tmp.resolve("work.log");
        Schedule hourly = Schedule.every(Duration.ofHours(1), ZURICH);
        PipelineScheduler first = started(builder("node-a").pipeline(WorkLog.pipeline("hourly", log, "a", 10), hourly));
        Await.until(BOUND, "the first run at registration", () -> runs("hourly", RunOutcome.SUCCEEDED).size() == 1);
        Instant next = Await.result(BOUND, "next run rescheduled",
                () -> first.jobs().get(0).nextRunAt().isAfter(Instant.now()) ? first.jobs().get(0).nextRunAt() : null);
        first.stop();

        PipelineScheduler second = started(builder("node-b").pipeline(WorkLog.pipeline("hourly", log, "b", 10), hourly));
        JobInfo job = second.jobs().get(0);
        assertThat(job.nextRunAt()).isEqualTo(next);
        assertThat(job.lastOutcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(runs("hourly", RunOutcome.SUCCEEDED)).hasSize(1);
        assertThat(WorkLog.read(log)).hasSize(1);
    }

    @Test
    void stopCancelsTheRunInProgressAfterTheDeadlineAndReleasesTheLease() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Pipeline stubborn = Pipeline.builder("long").phase(Phase.of("work", ctx -> {
            running.countDown();
            while (!ctx.isCancelled()) {
                Thread.sleep(10);
            }
        })).build();
        PipelineScheduler s = started(builder("node-a").pipeline(stubborn).shutdownDeadline(Duration.ofMillis(200)));
        TriggerResult r = s.trigger("long");
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        s.stop();

        assertThat(history.find(r.runId()).orElseThrow().outcome()).isEqualTo(RunOutcome.CANCELLED);
        assertThat(backend.currentHolder("long")).isEmpty();
        assertThat(backend.readStatus("long").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(s.health().schedulerRunning()).isFalse();
        assertThatThrownBy(() -> s.trigger("long")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void healthReportsEachPart() throws Exception {
        FaultyBackend store = new FaultyBackend();
        PipelineScheduler s = started(PipelineScheduler.builder(db, store).history(history).nodeId("node-a")
                .pollingInterval(Duration.ofMillis(200))
                .pipeline(Pipeline.builder("h").phase(Phase.of("p", ctx -> { })).build()));
        SchedulerHealth health = Await.result(BOUND, "a first poll", () -> {
            SchedulerHealth h = s.health();
            return h.lastSuccessfulPoll() != null ? h : null;
        });
        assertThat(health.healthy()).as("%s", health.problems()).isTrue();
        assertThat(health.databaseReachable()).isTrue();
        assertThat(health.stateBackendReachable()).isTrue();
        store.unreachable = true;
        assertThat(s.health().stateBackendReachable()).isFalse();
        assertThat(s.health().problems()).anyMatch(p -> p.startsWith("state backend unreachable"));
    }

    @Test
    void refusesToStartOnAnUnmigratedDatabase() {
        DataSource fresh = PostgresServer.shared().newDatabase().dataSource();
        PipelineScheduler s = PipelineScheduler.builder(fresh, backend)
                .pipeline(Pipeline.builder("x").phase(Phase.of("p", ctx -> { })).build()).build();
        assertThatThrownBy(s::start).hasMessageContaining("migrate");
    }

    @Test
    void builderRejectsBadValues() {
        PipelineScheduler.Builder b = PipelineScheduler.builder(db, backend);
        assertThatThrownBy(b::build).hasMessageContaining("at least one pipeline");
        assertThatThrownBy(() -> b.pollingInterval(Duration.ofMillis(5))).hasMessageContaining("pollingInterval");
        assertThatThrownBy(() -> b.misfireGrace(Duration.ofSeconds(-1))).hasMessageContaining("misfireGrace");
        assertThatThrownBy(() -> b.leaseTtl(Duration.ZERO)).hasMessageContaining("leaseTtl");
        assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("threads");
        Pipeline p = Pipeline.builder("dup").phase(Phase.of("p", ctx -> { })).build();
        b.pipeline(p);
        assertThatThrownBy(() -> b.pipeline(p)).hasMessageContaining("already added");
    }
}
