package dev.pipelinesdk.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.RunQuery;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.file.FileStateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduler instances in separate JVMs on one database and one file state directory. */
class SchedulerProcessesTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final long TTL_MS = 3000;

    @TempDir
    Path tmp;
    private PostgresServer.Database db;
    private JdbcRunHistory history;

    @BeforeEach
    void database() {
        db = PostgresServer.shared().newDatabase();
        SchemaMigrations.migrate(db.dataSource());
        history = JdbcRunHistory.create(db.dataSource());
    }

    private ChildJvm node(String name, long intervalMs, long workMs) throws Exception {
        ChildJvm child = ChildJvm.start(tmp, List.of(), SchedulerNode.class, "scheduler", db.jdbcUrl(), db.user(),
                password(), tmp.resolve("state").toString(), tmp.resolve("work.log").toString(), name,
                Long.toString(intervalMs), Long.toString(workMs), Long.toString(TTL_MS));
        child.awaitLine("READY", BOUND);
        return child;
    }

    private String password() {
        return db.password() == null ? "" : db.password();
    }

    private List<RunReport> runs(RunOutcome outcome) {
        return history.recent(RunQuery.builder().pipeline("tick").outcome(outcome).limit(1000).build());
    }

    @Test
    void twoProcessesRunEveryTickOnceWithoutOverlap() throws Exception {
        try (ChildJvm a = node("proc-a", 1000, 300); ChildJvm b = node("proc-b", 1000, 300)) {
            Await.until(BOUND, "5 runs", () -> runs(RunOutcome.SUCCEEDED).size() >= 5);
        }
        List<WorkLog.Interval> work = WorkLog.read(tmp.resolve("work.log"));
        assertThat(WorkLog.overlaps(work.stream().filter(w -> w.end() != null).toList())).isEmpty();
        List<RunReport> all = history.recent(RunQuery.builder().pipeline("tick").limit(1000).build());
        assertThat(all).extracting(RunReport::runId).doesNotHaveDuplicates();
        // one run per tick: n runs started over a span need n - 1 tick intervals, give or take the
        // lateness of one start (a loaded machine delays a start, never a tick); a tick run twice
        // would double the count. Gaps alone are no measure: a late start next to a timely one is
        // closer than one interval.
        Duration span = Duration.between(work.get(0).start(), work.get(work.size() - 1).start());
        assertThat(work.size() - 1L).isLessThanOrEqualTo(span.toMillis() / 1000 + 1);
    }

    @Test
    void aKilledInstancesRunIsTakenOverAndRecordedAbandoned() throws Exception {
        Path log = tmp.resolve("work.log");
        List<WorkLog.Interval> work;
        Instant killedAt;
        String killedRun;
        try (ChildJvm a = node("proc-a", 3_600_000, 60_000)) {
            WorkLog.Interval first = Await.result(BOUND, "proc-a's run started",
                    () -> WorkLog.read(log).isEmpty() ? null : WorkLog.read(log).get(0));
            killedRun = first.runId();
            // the runner tells the history of a run's start on its history thread, just after the lease
            Await.until(BOUND, "proc-a's run in the history", () -> history.activeRun("tick").isPresent());
            try (ChildJvm b = node("proc-b", 3_600_000, 200)) {
                // a third process with database access only is told who runs
                try (ChildJvm trigger = ChildJvm.start(tmp, List.of(), SchedulerNode.class, "trigger", db.jdbcUrl(),
                        db.user(), password(), "tick")) {
                    assertThat(trigger.awaitLine("TRIGGER", BOUND))
                            .isEqualTo("TRIGGER ALREADY_RUNNING " + killedRun);
                }
                a.kill();
                killedAt = Instant.now();
                WorkLog.Interval takeover = Await.result(BOUND, "a run on proc-b", () -> WorkLog.read(log).stream()
                        .filter(w -> w.node().equals("proc-b")).findFirst().orElse(null));
                assertThat(Duration.between(killedAt, takeover.start()))
                        .isLessThan(Duration.ofMillis(TTL_MS).plusSeconds(3));
                Await.until(BOUND, "the takeover run finished", () -> runs(RunOutcome.SUCCEEDED).size() == 1);
            }
        }
        RunReport abandoned = history.find(killedRun).orElseThrow();
        assertThat(abandoned.outcome()).isEqualTo(RunOutcome.ABANDONED);
        work = WorkLog.read(log);
        assertThat(work).hasSize(2);
        assertThat(work.get(1).start()).isAfter(killedAt);
        try (FileStateBackend state = FileStateBackend.open(tmp.resolve("state"))) {
            assertThat(state.currentHolder("tick")).isEmpty();
        }
    }
}
