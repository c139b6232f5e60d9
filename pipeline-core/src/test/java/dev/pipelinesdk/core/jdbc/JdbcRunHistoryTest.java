package dev.pipelinesdk.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.core.InMemoryRunHistory;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.testing.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The run history against a real PostgreSQL. The class shares one migrated database; each test
 * uses pipelines of its own, and tests that look at every pipeline take a database of their own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcRunHistoryTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-23T02:00:00.123456Z");

    private static DataSource shared;

    @TempDir
    Path work;

    private final JdbcRunHistory history = JdbcRunHistory.create(shared);

    @BeforeAll
    static void database() {
        shared = migratedDatabase();
    }

    private static DataSource migratedDatabase() {
        DataSource ds = PostgresServer.shared().newDatabase().dataSource();
        SchemaMigrations.migrate(ds);
        return ds;
    }

    // ---- round trips ------------------------------------------------------------------------

    @Test
    void failedRun_roundTripsEveryField() throws Exception {
        PhaseReport download = new PhaseReport("download", 1, PhaseOutcome.SUCCEEDED, T0, T0.plusSeconds(10), 1,
                Map.of("files", 3L, "bytes", 5_000_000_000L), null);
        RunError error = new RunError("match", "IOException", "disk full: /data \"quoted\" ünïcode");
        PhaseReport match = new PhaseReport("match", 2, PhaseOutcome.FAILED, T0.plusSeconds(10), T0.plusSeconds(25), 3,
                Map.of("matched", 120L), error);
        RunReport report = new RunReport("run-failed", "rt-failed", Trigger.CLI, RunMode.only("download", "match"),
                RunOutcome.FAILED, "host-a/123", 42, T0, T0.plusSeconds(25), List.of(download, match), error, null, null);

        history.record(report);

        assertThat(history.find("run-failed")).contains(report);
        assertThat(row("SELECT duration_ms || ' ' || counters::text FROM pipeline_runs WHERE run_id = 'run-failed'"))
                .isEqualTo("25000 {\"bytes\": 5000000000, \"files\": 3, \"matched\": 120}");
        assertThat(row("SELECT string_agg(phase || ':' || duration_ms || ':' || attempts, ',' ORDER BY phase_index) "
                + "FROM pipeline_phase_runs WHERE run_id = 'run-failed'")).isEqualTo("download:10000:1,match:15000:3");
    }

    @Test
    void phaseTextsThatArrayLiteralsWouldMangle_roundTrip() {
        // the phases travel as parallel text arrays: quotes, backslashes, commas, braces, the word
        // NULL, blanks and non-ASCII must come back as they were; a NUL becomes U+FFFD
        String tricky = "a \"b\", c\\d {e} NULL \t ünï 日本";
        RunError error = new RunError("p,{1}", "NULL", tricky);
        List<PhaseReport> phases = List.of(
                new PhaseReport("p,{1}", 1, PhaseOutcome.FAILED, T0, T0.plusSeconds(1), 2, Map.of("a\"b", 1L), error),
                new PhaseReport("NULL", 2, PhaseOutcome.SUCCEEDED, T0.plusSeconds(1), T0.plusSeconds(3), 1, Map.of(), null),
                new PhaseReport(" ", 3, PhaseOutcome.SUCCEEDED, T0.plusSeconds(3), T0.plusSeconds(4), 1, Map.of(),
                        new RunError(" ", "Nul\u0000Type", "")));
        RunReport report = new RunReport("run-tricky", "rt-tricky", Trigger.MANUAL, RunMode.full(), RunOutcome.FAILED,
                "host/1", 7, T0, T0.plusSeconds(4), phases, error, null, null);

        history.record(report);

        RunReport back = history.find("run-tricky").orElseThrow();
        assertThat(back.phases()).hasSize(3);
        assertThat(back.phases().get(0)).isEqualTo(phases.get(0));
        assertThat(back.phases().get(1)).isEqualTo(phases.get(1));
        assertThat(back.phases().get(2).error()).isEqualTo(new RunError(" ", "Nul\uFFFDType", ""));
        assertThat(back.phases().get(2).name()).isEqualTo(" ");
    }

    @Test
    void runWithoutPhases_isRecordedAlone() {
        RunReport report = new RunReport("run-empty", "rt-empty", Trigger.MANUAL, RunMode.full(), RunOutcome.SKIPPED,
                "host/1", 3, T0, T0.plusSeconds(1), List.of(), null, null, "nothing to do");

        history.record(report);

        assertThat(history.find("run-empty")).contains(report);
    }

    @Test
    void everyOutcome_roundTrips_includingSkipReasonMissedAbandonedAndHolder() {
        PhaseReport check = new PhaseReport("check", 1, PhaseOutcome.SKIPPED_REST, T0, T0.plusMillis(5), 1,
                Map.of(), null);
        List<RunReport> reports = List.of(
                new RunReport("rt-skipped", "rt-outcomes", Trigger.SCHEDULED, RunMode.full(), RunOutcome.SKIPPED,
                        "host/1", 7, T0, T0.plusMillis(5), List.of(check), null, null, "sources unchanged since 01:00"),
                new RunReport("rt-missed", "rt-outcomes", Trigger.SCHEDULED, RunMode.full(), RunOutcome.MISSED,
                        "host/1", 0, T0.plusSeconds(1), T0.plusSeconds(1), List.of(), null, null,
                        "2026-11-23T02:00:01Z was missed: the scheduler was down"),
                new RunReport("rt-abandoned", "rt-outcomes", null, null, RunOutcome.ABANDONED, null, 0,
                        T0.plusSeconds(2), T0.plusSeconds(9), List.of(),
                        new RunError("import", "Abandoned", "Run stopped reporting"), null, null),
                new RunReport("rt-busy", "rt-outcomes", Trigger.HTTP, RunMode.from("import"),
                        RunOutcome.ALREADY_RUNNING, "host/2", 0, T0.plusSeconds(3), T0.plusSeconds(3), List.of(), null,
                        "rt-abandoned", null),
                new RunReport("rt-timeout", "rt-outcomes", Trigger.TEST, RunMode.full(), RunOutcome.TIMED_OUT,
                        "host/1", 8, T0.plusSeconds(4), T0.plusSeconds(6), List.of(),
                        new RunError(null, "Timeout", ""), null, null));

        reports.forEach(history::record);

        for (RunReport r : reports) {
            assertThat(history.find(r.runId())).as(r.runId()).contains(r);
        }
        assertThat(history.recent("rt-outcomes", 10)).extracting(RunReport::runId)
                .containsExactly("rt-timeout", "rt-busy", "rt-abandoned", "rt-missed", "rt-skipped");
    }

    @Test
    void timesAreKeptToTheMicrosecond() {
        Instant nanos = Instant.parse("2026-11-23T02:00:00.123456789Z");
        RunReport report = new RunReport("rt-nanos", "rt-nanos", Trigger.TEST, RunMode.full(), RunOutcome.SUCCEEDED,
                "h", 1, nanos, nanos.plusNanos(1_500), List.of(), null, null, null);

        history.record(report);

        RunReport found = history.find("rt-nanos").orElseThrow();
        assertThat(found.startedAt()).isEqualTo(nanos.truncatedTo(ChronoUnit.MICROS));
        assertThat(found.finishedAt()).isEqualTo(Instant.parse("2026-11-23T02:00:00.123458Z"));
    }

    // ---- idempotency and running runs --------------------------------------------------------

    @Test
    void record_secondReportForTheSameRun_isIgnored() throws Exception {
        RunReport first = succeeded("idem-1", "idem", T0, Duration.ofSeconds(3));
        RunReport second = new RunReport("idem-1", "idem", Trigger.MANUAL, RunMode.full(), RunOutcome.ABANDONED, null, 0,
                T0, T0.plusSeconds(99), List.of(), new RunError(null, "Abandoned", "late"), null, null);

        history.record(first);
        history.record(first);
        history.record(second);

        assertThat(history.find("idem-1")).contains(first);
        assertThat(row("SELECT count(*) FROM pipeline_phase_runs WHERE run_id = 'idem-1'")).isEqualTo("2");
        assertThat(history.recent("idem", 10)).hasSize(1);
    }

    @Test
    void record_sameRunFromTwoThreadsAtOnce_writesItOnce() throws Exception {
        RunReport report = succeeded("race-1", "race", T0, Duration.ofSeconds(3));
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    history.record(report);
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(history.find("race-1")).contains(report);
        assertThat(row("SELECT count(*) FROM pipeline_phase_runs WHERE run_id = 'race-1'")).isEqualTo("2");
    }

    @Test
    void startedRun_isActiveNotFinished_untilRecorded() {
        RunInfo run = new RunInfo("live-1", "live", Trigger.SCHEDULED, RunMode.from("match"), 17, "host-b/77", T0,
                List.of("match", "import"));

        history.runStarted(run, HOUR);

        ActiveRun expected = new ActiveRun("live-1", "live", Trigger.SCHEDULED, RunMode.from("match"), "host-b/77", T0, 17);
        assertThat(history.activeRun("live")).contains(expected);
        assertThat(history.activeRuns()).contains(expected);
        assertThat(history.find("live-1")).as("a running run is no report").isEmpty();
        assertThat(history.recent("live", 10)).isEmpty();
        assertThat(history.recent(RunQuery.builder().pipeline("live").build())).isEmpty();

        history.runStarted(run, HOUR); // again: no error, no second row
        RunReport done = succeeded("live-1", "live", T0, Duration.ofSeconds(5));
        history.record(done);

        assertThat(history.activeRun("live")).isEmpty();
        assertThat(history.find("live-1")).contains(done);
        history.runAlive("live-1", HOUR); // finished: a late heartbeat changes nothing
        assertThat(history.activeRun("live")).isEmpty();
    }

    @Test
    void abandonedReportForAStartedRun_keepsWhatTheStartKnew() {
        history.runStarted(new RunInfo("gone-1", "gone", Trigger.MANUAL, RunMode.full(), 33, "host-c/5", T0,
                List.of("download")), HOUR);
        RunReport abandoned = new RunReport("gone-1", "gone", null, null, RunOutcome.ABANDONED, null, 0, T0,
                T0.plusSeconds(60), List.of(), new RunError("download", "Abandoned", "stopped reporting"), null, null);

        history.record(abandoned);

        RunReport found = history.find("gone-1").orElseThrow();
        assertThat(found.outcome()).isEqualTo(RunOutcome.ABANDONED);
        assertThat(found.trigger()).isEqualTo(Trigger.MANUAL);
        assertThat(found.mode()).isEqualTo(RunMode.full());
        assertThat(found.owner()).isEqualTo("host-c/5");
        assertThat(found.fencingToken()).isEqualTo(33);
        assertThat(found.error()).isEqualTo(abandoned.error());
        assertThat(history.activeRun("gone")).isEmpty();
    }

    @Test
    void runningRow_isNoLongerActive_afterAliveUntilPasses_andRunAliveRevivesIt() throws Exception {
        history.runStarted(new RunInfo("stale-1", "stale", Trigger.SCHEDULED, RunMode.full(), 1, "h/1", T0, List.of()), HOUR);
        assertThat(history.activeRun("stale")).isPresent();

        execute("UPDATE pipeline_runs SET alive_until = now() - interval '1 second' WHERE run_id = 'stale-1'");

        assertThat(history.activeRun("stale")).isEmpty();
        assertThat(history.activeRuns()).extracting(ActiveRun::runId).doesNotContain("stale-1");

        history.runAlive("stale-1", HOUR);
        assertThat(history.activeRun("stale")).map(ActiveRun::runId).contains("stale-1");
    }

    @Test
    void runningRow_withATinyTtl_expiresByTheDatabaseClock() {
        history.runStarted(new RunInfo("tiny-1", "tiny", Trigger.SCHEDULED, RunMode.full(), 1, "h/1", T0, List.of()),
                Duration.ofMillis(200));

        Await.until(() -> history.activeRun("tiny").isEmpty(), "the run to stop counting as alive");
        assertThat(history.find("tiny-1")).isEmpty();
    }

    @Test
    void activeRun_isTheNewestLiveRunOfThePipeline() {
        history.runStarted(new RunInfo("two-old", "two", Trigger.SCHEDULED, RunMode.full(), 1, "h/1", T0, List.of()), HOUR);
        history.runStarted(new RunInfo("two-new", "two", Trigger.MANUAL, RunMode.full(), 2, "h/2", T0.plusSeconds(1),
                List.of()), HOUR);

        assertThat(history.activeRun("two")).map(ActiveRun::runId).contains("two-new");
        assertThat(history.activeRun("nobody-runs-this")).isEmpty();
    }

    @Test
    void runStartedAndAlive_rejectNonPositiveTtl() {
        RunInfo run = new RunInfo("ttl-1", "ttl", Trigger.SCHEDULED, RunMode.full(), 1, "h/1", T0, List.of());
        assertThatThrownBy(() -> history.runStarted(run, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseTtl must be positive, was PT0S");
        assertThatThrownBy(() -> history.runAlive("ttl-1", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    // ---- queries -----------------------------------------------------------------------------

    @Test
    void recent_filtersByPipelineAndOutcome_newestFirst_withinTheLimit() {
        JdbcRunHistory own = JdbcRunHistory.create(migratedDatabase());
        own.record(succeeded("a1", "alpha", T0, Duration.ofSeconds(1)));
        own.record(failed("a2", "alpha", T0.plusSeconds(10)));
        own.record(succeeded("a3", "alpha", T0.plusSeconds(20), Duration.ofSeconds(1)));
        own.record(failed("b1", "beta", T0.plusSeconds(15)));
        own.runStarted(new RunInfo("a4", "alpha", Trigger.SCHEDULED, RunMode.full(), 9, "h", T0.plusSeconds(30),
                List.of()), HOUR);

        assertThat(own.recent(RunQuery.all())).extracting(RunReport::runId).containsExactly("a3", "b1", "a2", "a1");
        assertThat(own.recent(RunQuery.builder().pipeline("alpha").build())).extracting(RunReport::runId)
                .containsExactly("a3", "a2", "a1");
        assertThat(own.recent(RunQuery.builder().outcome(RunOutcome.FAILED).build())).extracting(RunReport::runId)
                .containsExactly("b1", "a2");
        assertThat(own.recent(RunQuery.builder().pipeline("alpha").outcome(RunOutcome.FAILED).build()))
                .extracting(RunReport::runId).containsExactly("a2");
        assertThat(own.recent(RunQuery.builder().limit(2).build())).extracting(RunReport::runId).containsExactly("a3", "b1");
        assertThat(own.recent("alpha", 2)).extracting(RunReport::runId).containsExactly("a3", "a2");
        assertThat(own.recent("alpha", 0)).isEmpty();
        assertThat(own.recent(RunQuery.all()).get(0).phases()).extracting(PhaseReport::name)
                .containsExactly("download", "import");
        assertThat(own.activeRuns()).extracting(ActiveRun::runId).containsExactly("a4");
    }

    @Test
    void runQuery_rejectsBadValues_namingThem() {
        assertThatThrownBy(() -> RunQuery.builder().limit(0)).hasMessage("limit must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> RunQuery.builder().limit(1001)).hasMessage("limit must be between 1 and 1000, was 1001");
        assertThatThrownBy(() -> RunQuery.builder().pipeline("Bad Name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Name'");
        assertThatThrownBy(() -> JdbcRunHistory.builder(shared).typicalSample(0))
                .hasMessage("typicalSample must be between 1 and 1000, was 0");
        assertThat(RunQuery.all().limit()).isEqualTo(RunQuery.DEFAULT_LIMIT);
        assertThat(RunQuery.builder().pipeline("x").build()).isEqualTo(RunQuery.builder().pipeline("x").build());
    }

    @Test
    void phaseStatistics_comeFromTheLastNSuccessfulRunsOnly() {
        JdbcRunHistory lastThree = JdbcRunHistory.builder(shared).typicalSample(3).build();
        Instant t = T0;
        for (int seconds : new int[] {10, 20, 30, 40, 50}) {
            lastThree.record(succeeded("stat-" + seconds, "stat", t, Duration.ofSeconds(seconds)));
            t = t.plusSeconds(100);
        }
        lastThree.record(failed("stat-failed", "stat", t)); // newest, but not a success: not a sample

        List<PhaseStats> stats = lastThree.phaseStatistics("stat");

        // download took 30, 40, 50 s in the last three successes; import 2 s each time
        assertThat(stats).containsExactly(
                new PhaseStats("download", 3, Duration.ofSeconds(40), Duration.ofSeconds(48), Duration.ofSeconds(30),
                        Duration.ofSeconds(50)),
                new PhaseStats("import", 3, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                        Duration.ofSeconds(2)));
        assertThat(lastThree.typicalPhaseDurations("stat"))
                .containsExactly(Map.entry("download", Duration.ofSeconds(40)), Map.entry("import", Duration.ofSeconds(2)));
        assertThat(lastThree.phaseStatistics("no-runs")).isEmpty();
        assertThat(lastThree.typicalPhaseDurations("no-runs")).isEmpty();
    }

    @Test
    void typicalPhaseDurations_matchTheInMemoryHistory() {
        InMemoryRunHistory memory = new InMemoryRunHistory();
        Instant t = T0;
        int[] durations = {7, 3, 12, 5, 9, 4, 11, 6, 8, 2, 10, 13}; // twelve successes: the oldest two drop out
        for (int i = 0; i < durations.length; i++) {
            RunReport r = succeeded("same-" + i, "same", t, Duration.ofMillis(durations[i] * 1000L + i));
            history.record(r);
            memory.record(r);
            t = t.plusSeconds(60);
        }
        history.record(failed("same-failed", "same", t));
        memory.record(failed("same-failed", "same", t));

        assertThat(history.typicalPhaseDurations("same")).isEqualTo(memory.typicalPhaseDurations("same"))
                .containsKey("download");
    }

    // ---- retention ---------------------------------------------------------------------------

    @Test
    void deleteOlderThan_deletesOldFinishedRunsAndTheirPhases_neverRunningOnes() throws Exception {
        DataSource ds = migratedDatabase();
        JdbcRunHistory own = JdbcRunHistory.create(ds);
        Instant now = Instant.now();
        own.record(succeeded("old", "keep", now.minus(Duration.ofDays(10)), Duration.ofSeconds(5)));
        own.record(succeeded("recent", "keep", now.minus(Duration.ofDays(2)), Duration.ofSeconds(5)));
        own.runStarted(new RunInfo("running", "keep", Trigger.SCHEDULED, RunMode.full(), 1, "h",
                now.minus(Duration.ofDays(30)), List.of()), HOUR);

        int deleted = own.deleteOlderThan(Duration.ofDays(7));

        assertThat(deleted).isEqualTo(1);
        assertThat(own.find("old")).isEmpty();
        assertThat(own.find("recent")).isPresent();
        assertThat(own.activeRun("keep")).map(ActiveRun::runId).contains("running");
        assertThat(row(ds, "SELECT count(*) FROM pipeline_phase_runs WHERE run_id = 'old'")).isEqualTo("0");
        assertThat(row(ds, "SELECT count(*) FROM pipeline_phase_runs")).isEqualTo("2");
        assertThat(own.deleteOlderThan(Duration.ofDays(7))).isZero();
        assertThatThrownBy(() -> own.deleteOlderThan(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- failures ----------------------------------------------------------------------------

    @Test
    void unreachableDatabase_failsNamingTheUrl_withThePasswordMasked() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:" + closedPort + "/history");
        unreachable.setUser("app");
        unreachable.setPassword("s3cret-pw");
        JdbcRunHistory broken = JdbcRunHistory.create(unreachable);

        assertThatThrownBy(() -> broken.record(succeeded("x-1", "x", T0, Duration.ofSeconds(1))))
                .isInstanceOf(RunHistoryException.class)
                .hasMessageStartingWith("Could not record run x-1 of 'x' in the run history at jdbc:postgresql://127.0.0.1:"
                        + closedPort + "/history?user=app&password=***: ")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("s3cret-pw")
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> broken.find("x-1")).isInstanceOf(RunHistoryException.class)
                .hasMessageNotContaining("s3cret-pw");
        assertThat(broken.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void unmigratedDatabase_failsSayingToMigrate() {
        JdbcRunHistory unmigrated = JdbcRunHistory.create(PostgresServer.shared().newDatabase().dataSource());

        assertThatThrownBy(() -> unmigrated.record(succeeded("u-1", "u", T0, Duration.ofSeconds(1))))
                .isInstanceOf(RunHistoryException.class)
                .hasMessageContaining("pipeline_runs")
                .hasMessageEndingWith("(the schema is missing or out of date: run SchemaMigrations.migrate first)");
    }

    // ---- the runner ---------------------------------------------------------------------------

    @Test
    void aRunThatDiedAfterItsFinalStatus_isRecordedByTheNextRunFromThatStatus_withoutTellingListenersAgain() throws Exception {
        // the process published "failed" and died before its report reached the history: its row has no outcome
        Instant started = Instant.parse("2026-11-23T01:00:00Z");
        history.runStarted(new RunInfo("died-1", "closing", Trigger.SCHEDULED, RunMode.full(), 41, "host-d/9", started,
                List.of("download")), Duration.ofMillis(1));
        InMemoryStateBackend backend = new InMemoryStateBackend();
        RunError error = new RunError("download", "IOException", "connection reset");
        backend.publishStatus(PipelineStatus.builder("closing").runId("died-1").state(RunState.FAILED)
                .trigger(Trigger.SCHEDULED).mode(RunMode.full()).startedAt(started)
                .updatedAt(started.plusSeconds(30)).finishedAt(started.plusSeconds(30)).error(error)
                .message("connection reset").build());
        Pipeline pipeline = Pipeline.builder("closing").phase(Phase.of("download", ctx -> { })).build();
        List<RunReport> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        PipelineListener listener = new PipelineListener() {
            @Override
            public void onRunFinished(RunReport report) {
                heard.add(report);
            }
        };

        try (PipelineRunner runner = PipelineRunner.builder(backend).history(history).listener(listener)
                .workDirectory(work).build()) {
            assertThat(runner.runOnce(pipeline).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            RunReport closed = Await.result(Duration.ofSeconds(10), "the dead run recorded",
                    () -> history.find("died-1").orElse(null));
            assertThat(closed.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(closed.error()).isEqualTo(error);
            assertThat(closed.startedAt()).isEqualTo(started);
            assertThat(closed.finishedAt()).isEqualTo(started.plusSeconds(30));
            assertThat(closed.owner()).isEqualTo("host-d/9"); // kept from the row its start wrote
            assertThat(closed.fencingToken()).isEqualTo(41);
            assertThat(closed.phases()).isEmpty();
            assertThat(history.activeRun("closing")).isEmpty();
        }
        // close() waited for the history thread: listeners were told of this runner's run only (the
        // dead run's process told its own before it died, or a live one that could not reach the
        // history did: never twice)
        assertThat(heard).extracting(RunReport::runId).doesNotContain("died-1").hasSize(1);
    }

    @Test
    void aRunsOwnReport_replacesTheAbandonedRecordAnotherRunMadeForIt_butNotTheOtherWayRound() {
        RunReport own = succeeded("judged-1", "judged", T0, Duration.ofSeconds(4));
        RunReport abandoned = new RunReport("judged-1", "judged", Trigger.SCHEDULED, RunMode.full(), RunOutcome.ABANDONED,
                null, 0, T0, T0.plusSeconds(2), List.of(), new RunError("download", "Abandoned", "looked dead"), null, null);

        history.record(abandoned);
        assertThat(history.find("judged-1").orElseThrow().outcome()).isEqualTo(RunOutcome.ABANDONED);
        history.record(own);
        assertThat(history.find("judged-1")).contains(microseconds(own));
        history.record(abandoned);
        assertThat(history.find("judged-1")).contains(microseconds(own));
        assertThat(history.recent("judged", 10)).hasSize(1);
    }

    @Test
    void recordIfUnrecorded_completesAnOpenRowOrAddsARecentMissingOne_andTheRunsOwnReportStillReplacesIt() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        RunReport own = succeeded("slow-1", "recover", now.minusSeconds(60), Duration.ofSeconds(5));
        RunReport fromStatus = fromStatus(own);

        // its start never reached the database (the process died with it queued): added, as it ended recently
        RunReport missing = fromStatus(succeeded("lost-1", "recover", now.minusSeconds(120), Duration.ofSeconds(5)));
        assertThat(history.recordIfUnrecorded(missing)).isTrue();
        assertThat(history.find("lost-1")).contains(missing);
        // unknown and ended long ago (retention may have deleted it on purpose): nothing comes back
        RunReport old = fromStatus(succeeded("old-1", "recover", now.minus(Duration.ofDays(3)), Duration.ofSeconds(5)));
        assertThat(history.recordIfUnrecorded(old)).isFalse();
        assertThat(history.find("old-1")).isEmpty();

        history.runStarted(new RunInfo("slow-1", "recover", Trigger.SCHEDULED, RunMode.full(), 9, "host/1",
                own.startedAt(), List.of("download", "import")), HOUR);
        assertThat(history.recordIfUnrecorded(fromStatus)).isTrue();
        assertThat(history.find("slow-1").orElseThrow().phases()).isEmpty();
        assertThat(history.find("slow-1").orElseThrow().fencingToken()).isEqualTo(9); // kept from its start
        assertThat(history.recordIfUnrecorded(fromStatus)).isFalse(); // once

        history.record(own); // the slow process's own report arrives after all
        assertThat(history.find("slow-1")).contains(microseconds(own));
        assertThat(history.recordIfUnrecorded(fromStatus)).isFalse(); // and is never overwritten
        assertThat(history.find("slow-1")).contains(microseconds(own));
    }

    @Test
    void aStartToldAfterTheRunsReport_changesNothing() {
        RunReport report = succeeded("late-start-1", "late", T0, Duration.ofSeconds(2));
        history.record(report);

        history.runStarted(new RunInfo("late-start-1", "late", Trigger.SCHEDULED, RunMode.full(), 1, "host/1", T0,
                List.of("download", "import")), HOUR);

        assertThat(history.find("late-start-1")).contains(microseconds(report));
        assertThat(history.activeRun("late")).isEmpty();
    }

    private static RunReport fromStatus(RunReport r) {
        return new RunReport(r.runId(), r.pipeline(), r.trigger(), r.mode(), r.outcome(), null, 0, r.startedAt(),
                r.finishedAt(), List.of(), null, null, null);
    }

    @Test
    void runner_recordsItsReportInPostgres_withPhases() {
        Pipeline pipeline = Pipeline.builder("e2e")
                .phase(Phase.of("download", ctx -> ctx.count("files", 2)))
                .phase(Phase.of("import", ctx -> ctx.count("rows", 40)))
                .build();
        RunReport report;
        try (PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).history(history)
                .workDirectory(work).build()) {
            report = runner.runOnce(pipeline, Trigger.TEST, RunMode.full());
        }

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        RunReport stored = history.find(report.runId()).orElseThrow();
        assertThat(stored).isEqualTo(microseconds(report));
        assertThat(stored.phases()).extracting(PhaseReport::name).containsExactly("download", "import");
        assertThat(stored.counters()).containsEntry("files", 2L).containsEntry("rows", 40L);
        assertThat(history.typicalPhaseDurations("e2e")).containsOnlyKeys("download", "import");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static RunReport succeeded(String runId, String pipeline, Instant start, Duration download) {
        Instant downloaded = start.plus(download);
        List<PhaseReport> phases = List.of(
                new PhaseReport("download", 1, PhaseOutcome.SUCCEEDED, start, downloaded, 1, Map.of("files", 1L), null),
                new PhaseReport("import", 2, PhaseOutcome.SUCCEEDED, downloaded, downloaded.plusSeconds(2), 1,
                        Map.of("rows", 10L), null));
        return new RunReport(runId, pipeline, Trigger.SCHEDULED, RunMode.full(), RunOutcome.SUCCEEDED, "host/1", 1, start,
                downloaded.plusSeconds(2), phases, null, null, null);
    }

    private static RunReport failed(String runId, String pipeline, Instant start) {
        RunError error = new RunError("download", "IOException", "refused");
        List<PhaseReport> phases = List.of(new PhaseReport("download", 1, PhaseOutcome.FAILED, start,
                start.plusSeconds(1000), 2, Map.of(), error));
        return new RunReport(runId, pipeline, Trigger.SCHEDULED, RunMode.full(), RunOutcome.FAILED, "host/1", 1, start,
                start.plusSeconds(1000), phases, error, null, null);
    }

    private static RunReport microseconds(RunReport r) {
        List<PhaseReport> phases = new ArrayList<>();
        for (PhaseReport p : r.phases()) {
            phases.add(new PhaseReport(p.name(), p.index(), p.outcome(), micros(p.startedAt()), micros(p.finishedAt()),
                    p.attempts(), p.counters(), p.error()));
        }
        return new RunReport(r.runId(), r.pipeline(), r.trigger(), r.mode(), r.outcome(), r.owner(), r.fencingToken(),
                micros(r.startedAt()), micros(r.finishedAt()), phases, r.error(), r.holderRunId(), r.skipReason());
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = shared.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.execute();
        }
    }

    private static String row(String sql) throws SQLException {
        return row(shared, sql);
    }

    private static String row(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
