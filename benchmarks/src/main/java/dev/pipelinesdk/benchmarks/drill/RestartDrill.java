package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.pipeline.StopsTables;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * The server-restart drill: worker processes ({@link DrillWorker} with a schedule) run the stops
 * pipeline through {@code PipelineScheduler} while this process restarts the Redis server or the
 * PostgreSQL server in the middle of runs, waits until a scheduled run succeeds again (the
 * scheduler has to resume by itself; nobody restarts the workers), and reads the served tables
 * every ~50 ms. The workers also trigger runs through the scheduler, so that two executions
 * (scheduled and triggered, on different workers) often contend for the lease. The
 * log, the restarts and the run history are checked by {@link DrillAnalysis}, as in {@link FaultDrill}.
 */
public final class RestartDrill {
    /** How long after a server is back a run must have succeeded; longer counts as not recovered. */
    public static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    private static final Duration START_BOUND = Duration.ofSeconds(120);

    /** One way of restarting a server. */
    public enum Disruption {
        /** SIGKILL redis-server, start it again at once (on the same port and directory). */
        REDIS_KILL("SIGKILL redis-server, start at once"),
        /** SIGKILL redis-server, start it again after one lease TTL of downtime. */
        REDIS_KILL_DOWN_TTL("SIGKILL redis-server, start after one lease TTL"),
        /** SIGKILL the PostgreSQL server (all its processes), start it again at once (crash recovery). */
        POSTGRES_KILL("SIGKILL PostgreSQL, start at once"),
        /** Fast shutdown of the PostgreSQL server (sessions ended), start it again at once. */
        POSTGRES_STOP("fast shutdown of PostgreSQL, start at once");

        private final String text;

        Disruption(String text) {
            this.text = text;
        }

        /** @return what it does, for the report */
        public String text() {
            return text;
        }

        boolean redis() {
            return this == REDIS_KILL || this == REDIS_KILL_DOWN_TTL;
        }
    }

    /**
     * How one restart drill runs.
     *
     * @param key              a short name for directories and the report, e.g. {@code redis-aof}
     * @param description      what is restarted and how, for the report
     * @param disruptions      the restarts to do, in turn
     * @param restarts         how many restarts, at least 1
     * @param overlapsExpected whether this is the unsafe contrast (overlaps are reported, not a target)
     * @param leaseTtl         the workers' lease TTL
     * @param interval         the workers' schedule ({@code Schedule.every}), at least 1 s
     * @param triggerEvery     how often each worker triggers a run (jittered ±50 %), {@code Duration.ZERO} for never
     * @param workers          worker processes, at least 2
     * @param seed             the seed of the restart points within the runs
     */
    public record Settings(String key, String description, List<Disruption> disruptions, int restarts,
                           boolean overlapsExpected, Duration leaseTtl, Duration interval, Duration triggerEvery,
                           int workers, long seed) {
        /** Validates and copies. */
        public Settings {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(description, "description");
            disruptions = List.copyOf(disruptions);
            if (disruptions.isEmpty()) {
                throw new IllegalArgumentException("disruptions must not be empty");
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be >= 1: " + restarts);
            }
            Objects.requireNonNull(leaseTtl, "leaseTtl");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("interval must be >= 1 s (Schedule.every): " + interval);
            }
            if (triggerEvery.isNegative()) {
                throw new IllegalArgumentException("triggerEvery must not be negative: " + triggerEvery);
            }
            if (workers < 2) {
                throw new IllegalArgumentException("workers must be >= 2: " + workers);
            }
        }
    }

    private final FaultDrill setup;
    private final Settings settings;
    private final RedisServerProcess redis;
    private final PostgresServer postgres;
    private final Progress progress = new Progress();
    private DrillWorkers workers;
    private DrillLogTail tail;

    private RestartDrill(FaultDrill setup, Settings settings, RedisServerProcess redis, PostgresServer postgres) {
        this.setup = setup;
        this.settings = settings;
        this.redis = redis;
        this.postgres = postgres;
    }

    /**
     * Runs one restart drill.
     *
     * @param setup    the prepared database and sources (a fresh database of {@code postgres} for each drill)
     * @param backend  {@code redis} or {@code file}
     * @param state    the Redis URL (of {@code redis}), or the state directory
     * @param settings how
     * @param redis    the Redis server to restart, {@code null} when no disruption restarts Redis
     * @param postgres the server holding the setup's database
     * @return the figures
     * @throws Exception when the drill cannot run (a broken promise is a figure, not an exception)
     */
    public static DrillResult run(FaultDrill setup, String backend, String state, Settings settings,
                                  RedisServerProcess redis, PostgresServer postgres) throws Exception {
        if (redis == null && settings.disruptions().stream().anyMatch(Disruption::redis)) {
            throw new IllegalArgumentException("Drill " + settings.key() + " restarts Redis but has no Redis server");
        }
        return new RestartDrill(setup, settings, redis, postgres).run(backend, state);
    }

    private DrillResult run(String backend, String state) throws Exception {
        long began = System.nanoTime();
        Path dir = Files.createDirectories(setup.scratch().resolve("restart-" + settings.key()));
        Path log = dir.resolve("events.log");
        Path stop = dir.resolve("stop");
        Files.deleteIfExists(stop);
        Files.write(log, new byte[0]);
        DataSource ds = setup.database().dataSource();
        workers = new DrillWorkers(dir, backend, state, setup.database(), setup.sources(), log, stop,
                settings.leaseTtl(), List.of("--schedule-ms", String.valueOf(settings.interval().toMillis()),
                        "--trigger-ms", String.valueOf(settings.triggerEvery().toMillis())));
        List<DrillAnalysis.Outage> outages = new ArrayList<>();
        ServedReads served = ServedReads.start(ds, setup.reference(), setup.empty());
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            tail = new DrillLogTail(file);
            Random random = new Random(settings.seed());
            for (int i = 0; i < settings.workers(); i++) {
                workers.start(null);
            }
            if (!await(() -> progress.lastScheduledSuccessEnd > 0, START_BOUND)) {
                throw new IllegalStateException("No scheduled run succeeded within " + START_BOUND + ", see " + dir);
            }
            for (int i = 0; i < settings.restarts(); i++) {
                Disruption kind = settings.disruptions().get(i % settings.disruptions().size());
                long seen = progress.phaseOnes;
                if (!await(() -> progress.phaseOnes > seen, RECOVERY_BOUND)) {
                    throw new IllegalStateException("No run started within " + RECOVERY_BOUND + ", see " + dir);
                }
                // somewhere within the run: download, match, problems, import, or just after it
                long at = progress.lastPhaseOneMicros + (long) (random.nextDouble() * progress.typicalMicros);
                await(() -> DrillWorker.epochMicros() >= at, Duration.ofSeconds(10));
                String landed = progress.inProgress.values().stream().findFirst().orElse("between-runs");
                long down = DrillWorker.epochMicros();
                disrupt(kind);
                long up = DrillWorker.epochMicros();
                outages.add(new DrillAnalysis.Outage(kind.name(), down, up, landed));
                if (!await(() -> progress.lastScheduledSuccessEnd > up, RECOVERY_BOUND)) {
                    System.err.println("fault drill: no scheduled run succeeded within " + RECOVERY_BOUND
                            + " after the " + kind + " restart, see " + dir);
                }
            }
            // two more scheduled successes, so that background retries (e.g. of a final status) are done
            long settled = progress.scheduledSuccesses + 2;
            await(() -> progress.scheduledSuccesses >= settled, RECOVERY_BOUND);
            Files.write(stop, new byte[0]);
            workers.awaitAll(Duration.ofSeconds(60));
        } finally {
            workers.killAll();
            served.close();
        }
        boolean servedAtEnd = setup.reference().equals(ServedReads.digest(ds));
        long servedFence = StopsTables.served(ds, StopsPipeline.NAME).map(StopsTables.Served::fence).orElse(-1L);
        DrillAnalysis analysis = DrillAnalysis.of(Files.readAllLines(log), List.of(), outages,
                JdbcRunHistory.create(ds));
        return analysis.result(backend, served.reads(), served.bad(), served.errors(), servedAtEnd,
                settings.leaseTtl(), Duration.ofNanos(System.nanoTime() - began), workers.unexpectedExits,
                new DrillAnalysis.RestartContext(settings.description(), settings.overlapsExpected(), servedFence));
    }

    private void disrupt(Disruption kind) throws Exception {
        switch (kind) {
            case REDIS_KILL -> {
                redis.kill();
                redis.start();
            }
            case REDIS_KILL_DOWN_TTL -> {
                redis.kill();
                long downUntil = System.nanoTime() + settings.leaseTtl().toNanos();
                await(() -> System.nanoTime() >= downUntil, settings.leaseTtl().plusSeconds(1));
                redis.start();
            }
            case POSTGRES_KILL -> {
                postgres.kill();
                postgres.start();
            }
            case POSTGRES_STOP -> {
                postgres.stop();
                postgres.start();
            }
        }
    }

    /** Follows the log (and replaces workers that died) until the condition holds or the bound passed. */
    private boolean await(BooleanSupplier condition, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            for (String[] e : tail.newEvents()) {
                progress.accept(e);
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            workers.replaceExited();
            Thread.sleep(2);
        }
    }

    /** What the supervisor knows from the log so far. */
    private static final class Progress {
        final Map<String, String> inProgress = new HashMap<>(); // run -> the phase it is in
        final Map<String, Long> phaseOneAt = new HashMap<>();
        final Map<String, Boolean> scheduled = new HashMap<>();
        double typicalMicros = 300_000; // of a run from its first phase to its end, learnt as runs succeed
        long phaseOnes;
        long lastPhaseOneMicros;
        long lastScheduledSuccessEnd = -1;
        long scheduledSuccesses;

        void accept(String[] e) {
            switch (e[0]) {
                case "start" -> {
                    inProgress.put(e[1], "starting");
                    scheduled.put(e[1], e.length > 5 && DrillRun.SCHEDULED.equals(e[5]));
                }
                case "phase" -> {
                    inProgress.put(e[1], e[3]);
                    if ("1".equals(e[2])) {
                        phaseOnes++;
                        lastPhaseOneMicros = Long.parseLong(e[4]);
                        phaseOneAt.put(e[1], lastPhaseOneMicros);
                    }
                }
                case "end" -> {
                    inProgress.remove(e[1]);
                    Long first = phaseOneAt.remove(e[1]);
                    boolean byTheSchedule = Boolean.TRUE.equals(scheduled.remove(e[1]));
                    if ("SUCCEEDED".equals(e[2])) {
                        long end = Long.parseLong(e[3]);
                        if (byTheSchedule) {
                            lastScheduledSuccessEnd = Math.max(lastScheduledSuccessEnd, end);
                            scheduledSuccesses++;
                        }
                        if (first != null) {
                            typicalMicros = 0.8 * typicalMicros + 0.2 * (end - first);
                        }
                    }
                }
                default -> { }
            }
        }
    }
}
