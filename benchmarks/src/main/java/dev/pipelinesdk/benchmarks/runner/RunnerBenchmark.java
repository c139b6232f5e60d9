package dev.pipelinesdk.benchmarks.runner;

import dev.pipelinesdk.benchmarks.BareRedis;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Comparison;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.benchmarks.Op;
import dev.pipelinesdk.core.InMemoryRunHistory;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.redis.RedisStateBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code runner}: a 4-phase no-op {@code runOnce}, in memory (absolute) and on Redis + PostgreSQL
 * (against the round-trip floor of the calls it makes).
 */
public final class RunnerBenchmark implements Benchmark {

    static final String ID = "runner";
    private static final int MEMORY_WARMUP = 3000;
    private static final int MEMORY_ROUNDS = 15;
    private static final int MEMORY_OPS = 400;
    private static final int SERVER_WARMUP_RUNS = 100;
    private static final int COUNTED_RUNS = 50;
    private static final int WARMUP = 2;
    private static final int ROUNDS = 12;
    private static final int OPS = 60;
    private static final Pattern EVALSHA_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Runner overhead of a run";
    }

    @Override
    public String method() {
        return "A pipeline of 4 phases whose bodies do nothing, run by `PipelineRunner.runOnce` (lease TTL 30 s,"
                + " publish interval 250 ms: no renewal and no timed publish falls inside a run) on the calling thread;"
                + " each run must succeed. (1) `InMemoryStateBackend` + `InMemoryRunHistory`: absolute µs per run, "
                + MEMORY_WARMUP + " warm-up runs, then " + MEMORY_ROUNDS + " rounds of " + MEMORY_OPS + " runs (median and"
                + " quartiles of the rounds). (2) `RedisStateBackend` + `JdbcRunHistory` on PostgreSQL (schema by"
                + " `SchemaMigrations.migrate`; connections kept open by a small pool, as production would give it a pooled"
                + " `DataSource`). Calls per run are counted over " + COUNTED_RUNS + " runs after " + SERVER_WARMUP_RUNS
                + " warm-up runs: Redis calls by a delegating `StateBackend` that counts each call (each is one command,"
                + " one round trip, in `RedisStateBackend`) plus one `Lease.release()` per run (checked: every granted"
                + " lease was released), cross-checked against the server's `INFO commandstats` EVALSHA count; JDBC"
                + " round trips by `java.lang.reflect.Proxy`s on `Connection` and `Statement` (each `execute*`, a batch"
                + " once, each commit). Baseline (the floor): that many `PING`s through a Lettuce connection of the"
                + " backend's kind plus that many `SELECT 1`s through a kept-open JDBC connection, i.e. the round trips"
                + " alone, measured in alternation with the runs (" + WARMUP + " warm-up rounds, " + ROUNDS + " rounds of "
                + OPS + " per side). PostgreSQL runs with fsync off, as for the tests. The runner's two INFO log lines"
                + " per run are switched off (slf4j-simple writes them synchronously to stderr). Bounded by the"
                + " round trips, by the server-side work of the history's statements, and by what the runner adds per"
                + " run: 4 hand-offs to a (reused) phase thread and back, status documents built and encoded, lease"
                + " watchdog and publish ticker scheduled and cancelled.";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        RunLogs.quiet();
        Path work = env.scratch().resolve("runner-work");
        Pipeline pipeline = Pipeline.builder("runner-bench")
                .phase(Phase.of("extract", ctx -> { }))
                .phase(Phase.of("transform", ctx -> { }))
                .phase(Phase.of("load", ctx -> { }))
                .phase(Phase.of("publish", ctx -> { }))
                .build();
        List<Figure> figures = new ArrayList<>();
        figures.addAll(inMemory(pipeline, work));
        figures.addAll(onServers(env, pipeline, work));
        return figures;
    }

    private List<Figure> inMemory(Pipeline pipeline, Path work) throws Exception {
        List<Figure> figures = new ArrayList<>();
        double fullMedian;
        try (InMemoryStateBackend backend = new InMemoryStateBackend();
                PipelineRunner runner = runner(backend, new InMemoryRunHistory(), work)) {
            Samples s = Samples.of(run(runner, pipeline), MEMORY_WARMUP, MEMORY_ROUNDS, MEMORY_OPS);
            figures.add(new Figure(ID, "4-phase no-op run, in memory (history full: 1000 runs kept)", s.microsText(), "",
                    null, String.format(Locale.ROOT, "absolute, per `runOnce` (%d rounds × %d runs, after %d warm-up runs,"
                                    + " so the history holds its default capacity of 1000 runs). Phase attempts run on"
                                    + " the runner's reused phase threads; the typical phase durations come from the"
                                    + " last 10 successful runs, are kept between runs and re-read on the history thread"
                                    + " after each success. Next row: the same with 10 runs kept",
                            s.rounds(), s.ops(), MEMORY_WARMUP)));
            fullMedian = s.median();
        }
        try (InMemoryStateBackend backend = new InMemoryStateBackend();
                PipelineRunner runner = runner(backend, new InMemoryRunHistory(10), work)) {
            Samples s = Samples.of(run(runner, pipeline), MEMORY_WARMUP, MEMORY_ROUNDS, MEMORY_OPS);
            Samples threads = Samples.of(RunnerBenchmark::fourThreadHandOffs, MEMORY_WARMUP, MEMORY_ROUNDS, MEMORY_OPS);
            figures.add(new Figure(ID, "4-phase no-op run, in memory (history of 10 runs)", s.microsText(), "", null,
                    String.format(Locale.ROOT, "absolute, as above with `new InMemoryRunHistory(10)`, measured after the row above: %s."
                                    + " For scale, 4 × (start a thread that does nothing, wait for it on a monitor),"
                                    + " which every run did before phase threads were reused, takes %s here",
                            String.format(Locale.ROOT, "%+.0f µs per run against 1000 runs kept: the history's size"
                                    + " no longer matters (differences of this size are the shared machine's noise)",
                                    (s.median() - fullMedian) / 1000),
                            threads.microsText())));
        }
        return figures;
    }

    /** What a run does per phase, bare: start a thread, wait on a monitor until it says it ended. */
    private static void fourThreadHandOffs() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            Object monitor = new Object();
            boolean[] done = {false};
            Thread t = new Thread(() -> {
                synchronized (monitor) {
                    done[0] = true;
                    monitor.notifyAll();
                }
            });
            t.setDaemon(true);
            t.start();
            synchronized (monitor) {
                while (!done[0]) {
                    monitor.wait();
                }
            }
        }
    }

    private List<Figure> onServers(Environment env, Pipeline pipeline, Path work) throws Exception {
        String url = env.redis().url();
        PostgresServer.Database db = env.database();
        ClientResources resources = BareRedis.resources();
        RedisClient client = BareRedis.client(resources);
        RedisCodec<String, byte[]> codec = BareRedis.CODEC;
        try (CountingDataSource pool = new CountingDataSource(db.dataSource());
                CountingStateBackend backend = new CountingStateBackend(
                        RedisStateBackend.builder(url).keyPrefix("bench-runner:").build());
                StatefulRedisConnection<String, byte[]> connection = client.connect(codec, RedisURI.create(url));
                Connection jdbc = db.dataSource().getConnection();
                PreparedStatement select1 = jdbc.prepareStatement("SELECT 1")) {
            SchemaMigrations.migrate(pool);
            JdbcRunHistory history = JdbcRunHistory.create(pool);
            RedisCommands<String, byte[]> redis = connection.sync();
            try (PipelineRunner runner = runner(backend, history, work)) {
                Op runOnce = run(runner, pipeline);
                for (int i = 0; i < SERVER_WARMUP_RUNS; i++) {
                    runOnce.run();
                }
                // count the calls of COUNTED_RUNS runs
                backend.reset();
                pool.reset();
                long evalshaBefore = evalshaCalls(redis);
                long countedStart = System.nanoTime();
                for (int i = 0; i < COUNTED_RUNS; i++) {
                    runOnce.run();
                }
                double countedUsPerRun = (System.nanoTime() - countedStart) / 1000.0 / COUNTED_RUNS;
                long evalshaCounted = evalshaCalls(redis) - evalshaBefore;
                long released = backend.releasedLeases();
                long acquires = backend.acquires();
                if (released != acquires) {
                    throw new IllegalStateException(released + " of " + acquires + " leases released");
                }
                long redisCalls = backend.calls() + released;
                long expectedEvalsha = acquires + backend.publishes() + released;
                double redisPerRun = (double) redisCalls / COUNTED_RUNS;
                double jdbcPerRun = (double) pool.roundTrips() / COUNTED_RUNS;
                int pings = (int) Math.round(redisPerRun);
                int selects = (int) Math.round(jdbcPerRun);
                String counts = String.format(Locale.ROOT, "per run: %.2f Redis calls (%.0f acquire, %.0f status read, %.0f"
                                + " status publishes [4 phase starts + final], %.0f release, over %d runs; server EVALSHA"
                                + " count %d, expected %d) and %.2f JDBC round trips (%.0f statements incl. %.0f batch of"
                                + " %.0f phase rows, %.0f commit; %.0f connections taken from the pool, %d physical)",
                        redisPerRun, per(acquires), per(backend.statusReads()), per(backend.publishes()), per(released),
                        COUNTED_RUNS, evalshaCounted, expectedEvalsha, jdbcPerRun, per(pool.statements()),
                        per(pool.batches()), per(pool.batchRows()), per(pool.commits()), per(pool.connectionsTaken()),
                        pool.physicalConnections());
                StringBuilder slowest = new StringBuilder();
                for (var e : pool.nanosPerStatement()) {
                    slowest.append(slowest.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ")
                            .append(String.format(Locale.ROOT, "%.0f µs", e.getValue() / 1000.0 / COUNTED_RUNS));
                }
                String where = String.format(Locale.ROOT, "where a run's %.0f µs went (counted runs): %.0f µs waiting in"
                                + " the 7 timed Redis calls (all but the release), %.0f µs in JDBC statements and commit"
                                + " (%s), %.0f µs elsewhere", countedUsPerRun, backend.nanos() / 1000.0 / COUNTED_RUNS,
                        pool.nanos() / 1000.0 / COUNTED_RUNS, slowest,
                        countedUsPerRun - (backend.nanos() + pool.nanos()) / 1000.0 / COUNTED_RUNS);

                Op ping = () -> {
                    if (!"PONG".equals(redis.ping())) {
                        throw new IllegalStateException("PING not answered by PONG");
                    }
                };
                Op selectOne = () -> {
                    try (ResultSet rs = select1.executeQuery()) {
                        if (!rs.next() || rs.getInt(1) != 1) {
                            throw new IllegalStateException("SELECT 1 did not return 1");
                        }
                    }
                };
                Op floor = () -> {
                    for (int i = 0; i < pings; i++) {
                        ping.run();
                    }
                    for (int i = 0; i < selects; i++) {
                        selectOne.run();
                    }
                };
                Comparison c = Comparison.of(runOnce, floor, WARMUP, ROUNDS, OPS);
                Op sameCallsBare = sameCallsWithoutRunner(backend, history, runner, pipeline);
                Comparison vsCalls = Comparison.of(runOnce, sameCallsBare, WARMUP, ROUNDS, OPS);
                Samples pingRtt = Samples.of(ping, 500, 9, 1000);
                Samples selectRtt = Samples.of(selectOne, 500, 9, 1000);

                List<Figure> figures = new ArrayList<>();
                figures.add(new Figure(ID, "4-phase no-op run on Redis + PostgreSQL / round-trip floor", c.ratioText(),
                        "≤ 2×", c.ratio() <= 2.0,
                        String.format(Locale.ROOT, "%.0f µs per run vs floor %.0f µs = %d × PING + %d × `SELECT 1`;"
                                        + " %s; %s; %d alternating rounds × %d runs per side. %s", c.subjectNsPerOp() / 1000,
                                c.baselineNsPerOp() / 1000, pings, selects, counts, where, c.rounds(),
                                c.opsPerRound(), c.ratio() <= 2.0 ? SINCE : WHY_ABOVE + " " + SINCE)));
                figures.add(new Figure(ID, "the same run / its backend and history calls made bare, one after another",
                        vsCalls.ratioText(), "", null, String.format(Locale.ROOT, "decomposition: %.0f µs vs %.0f µs per"
                                        + " run; the baseline makes the run's calls itself on one thread, with documents and"
                                        + " the report built beforehand: `tryAcquire`, `readStatus`, `runStarted`, 4 running"
                                        + " `publishStatus`, the final one, `record` (4 phase rows), `typicalPhaseDurations`,"
                                        + " `release`. What the runner adds to the work it has to do (phase hand-offs,"
                                        + " documents, timers; it makes two of the history calls on its history thread);"
                                        + " the rest of the ratio above is the server-side cost of the real calls over"
                                        + " PING and `SELECT 1`; %d alternating rounds × %d runs per side",
                                vsCalls.subjectNsPerOp() / 1000, vsCalls.baselineNsPerOp() / 1000, vsCalls.rounds(),
                                vsCalls.opsPerRound())));
                figures.add(new Figure(ID, "round trips of the floor: Redis PING / PostgreSQL `SELECT 1`",
                        pingRtt.microsText() + " / " + selectRtt.microsText(), "", null,
                        String.format(Locale.ROOT, "absolute, loopback, measured after the comparison (%d rounds × %d"
                                + " each)", pingRtt.rounds(), pingRtt.ops())));
                return figures;
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        }
    }

    /**
     * The backend and history calls one run makes, made bare on the calling thread, with the
     * documents and the report built beforehand (fresh run ids each time, as the runner's).
     */
    private static Op sameCallsWithoutRunner(StateBackend backend, RunHistory history, PipelineRunner ids,
                                             Pipeline pipeline) {
        List<String> phases = pipeline.phaseNames();
        Duration ttl = Duration.ofSeconds(30);
        return () -> {
            String runId = ids.newRunId();
            Instant start = Instant.now();
            Lease lease = backend.tryAcquire(pipeline.name(), runId, ttl)
                    .orElseThrow(() -> new IllegalStateException("lease of " + pipeline.name() + " not granted"));
            backend.readStatus(pipeline.name());
            history.runStarted(new RunInfo(runId, pipeline.name(), Trigger.MANUAL, RunMode.full(), lease.fencingToken(),
                    "bench/1", start, phases), ttl);
            PipelineStatus.Builder doc = PipelineStatus.builder(pipeline.name()).runId(runId).trigger(Trigger.MANUAL)
                    .mode(RunMode.full()).phaseCount(phases.size()).startedAt(start);
            List<PhaseReport> reports = new ArrayList<>();
            for (int i = 0; i < phases.size(); i++) {
                Instant now = Instant.now();
                backend.publishStatus(doc.state(RunState.RUNNING).phase(phases.get(i)).phaseIndex(i + 1)
                        .phaseStartedAt(now).updatedAt(now).build());
                reports.add(new PhaseReport(phases.get(i), i + 1, PhaseOutcome.SUCCEEDED, now, now, 1, Map.of(), null));
            }
            Instant end = Instant.now();
            backend.publishStatus(doc.state(RunState.SUCCEEDED).finishedAt(end).updatedAt(end).lastSuccessAt(end)
                    .message("Completed 4 phases").build());
            history.record(new RunReport(runId, pipeline.name(), Trigger.MANUAL, RunMode.full(), RunOutcome.SUCCEEDED,
                    "bench/1", lease.fencingToken(), start, end, reports, null, null, null));
            history.typicalPhaseDurations(pipeline.name());
            lease.release();
        };
    }

    private static final String SINCE = "Since the first measurement (3–7×), the runner reuses its phase threads"
            + " instead of starting one per attempt, keeps the typical phase durations between runs (re-read on the"
            + " history thread after a success, overlapping the next run) instead of querying them before the first"
            + " phase, and writes a run's report with its phases in one statement instead of upsert + delete + batch"
            + " + commit: 6 JDBC round trips per run became 3, 2 of them on the run's path.";

    private static final String WHY_ABOVE = "Why above 2×: the next row makes the same calls without the runner:"
            + " the runner's own share is that ratio; the rest is what the real calls cost beyond a round trip."
            + " (a) Real statements cost more on the server than `SELECT 1`: the run's row inserted into a table with"
            + " 4 indexes, the report upserted with its phase rows, the percentile query over the last 10 runs' phases"
            + " (see the per-statement times, which include waiting for a core); the Redis calls are scripts and"
            + " documents of ~0.5 KB, not PINGs. (b) Every reply wakes a waiting thread (Lettuce's event loop hands"
            + " it over; phases run on pool threads) on 2 shared cores, where the floor's PINGs and SELECTs run back"
            + " to back.";

    private static PipelineRunner runner(StateBackend backend, RunHistory history, Path work) {
        return PipelineRunner.builder(backend).history(history).workDirectory(work).build();
    }

    private static Op run(PipelineRunner runner, Pipeline pipeline) {
        return () -> {
            RunReport report = runner.runOnce(pipeline);
            if (report.outcome() != RunOutcome.SUCCEEDED) {
                throw new IllegalStateException("benchmark run ended " + report.outcome() + ": " + report.error());
            }
        };
    }

    private static double per(long total) {
        return (double) total / COUNTED_RUNS;
    }

    private static long evalshaCalls(RedisCommands<String, byte[]> redis) {
        Matcher m = EVALSHA_CALLS.matcher(redis.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
