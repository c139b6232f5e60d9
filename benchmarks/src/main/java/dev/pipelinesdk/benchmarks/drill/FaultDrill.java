package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.pipeline.StopsTables;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import dev.pipelinesdk.file.FileStateBackend;
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
import javax.sql.DataSource;

/**
 * The fault drill of one database: worker processes ({@link DrillWorker}) run the stops pipeline
 * against one state backend while this process SIGKILLs the worker holding a run for a seeded
 * share of the runs, starts replacements, and reads the served tables every ~50 ms. The log the
 * workers write, the kills and the run history are then checked by {@link DrillAnalysis}.
 */
public final class FaultDrill {
    /** Stops in the generated sources: a run takes ~100–300 ms. */
    public static final int STOPS = 300;
    private static final long SOURCES_SEED = 7L;

    private final Path scratch;
    private final PostgresServer.Database database;
    private final DataSource dataSource;
    private final Path sources;
    private final String reference;
    private final String empty;

    /**
     * How one backend's drill runs.
     *
     * @param runs      runs to start before the workers are told to stop, at least 10
     * @param killShare the share of runs whose worker is killed, 0 to 0.5
     * @param leaseTtl  the workers' lease TTL
     * @param workers   worker processes at a time, at least 2
     * @param seed      the seed of the kill choices and delays
     */
    public record Settings(int runs, double killShare, Duration leaseTtl, int workers, long seed) {
        /** Validates. */
        public Settings {
            if (runs < 10) {
                throw new IllegalArgumentException("runs must be >= 10: " + runs);
            }
            if (!(killShare >= 0 && killShare <= 0.5)) {
                throw new IllegalArgumentException("killShare must be from 0 to 0.5: " + killShare);
            }
            Objects.requireNonNull(leaseTtl, "leaseTtl");
            if (workers < 2) {
                throw new IllegalArgumentException("workers must be >= 2: " + workers);
            }
        }
    }

    private FaultDrill(Path scratch, PostgresServer.Database database, Path sources, String reference, String empty) {
        this.scratch = scratch;
        this.database = database;
        this.dataSource = database.dataSource();
        this.sources = sources;
        this.reference = reference;
        this.empty = empty;
    }

    /**
     * Migrates the database, generates the sources and imports them once in this process to learn
     * the reference digest of the served tables.
     *
     * @param scratch  a directory for the drill's files
     * @param database a fresh database
     * @return the prepared drill
     * @throws Exception when the setup fails
     */
    public static FaultDrill prepare(Path scratch, PostgresServer.Database database) throws Exception {
        DataSource ds = database.dataSource();
        SchemaMigrations.migrate(ds);
        StopsTables.ensureSchema(ds);
        String empty = ServedReads.digest(ds);
        Path sources = Files.createDirectories(scratch.resolve("sources"));
        StopsGenerator.generate(sources, STOPS, SOURCES_SEED);
        Path refDir = scratch.resolve("reference");
        try (PipelineRunner runner = PipelineRunner.builder(FileStateBackend.open(refDir.resolve("state")))
                .history(JdbcRunHistory.create(ds)).workDirectory(refDir.resolve("work")).build()) {
            RunReport report = runner.runOnce(pipeline(ds, sources, refDir.resolve("data"), "file:" + refDir),
                    Trigger.TEST, RunMode.full());
            if (report.outcome() != RunOutcome.SUCCEEDED) {
                throw new IllegalStateException("The reference run did not succeed: " + report.outcome() + " "
                        + report.error());
            }
        }
        return new FaultDrill(scratch, database, sources, ServedReads.digest(ds), empty);
    }

    private static dev.pipelinesdk.core.Pipeline pipeline(DataSource ds, Path sources, Path data, String domain) {
        return StopsPipeline.builder(ds, data)
                .sources(SourceUrl.ofFile(sources.resolve(StopsGenerator.REGISTRY_FILE)),
                        SourceUrl.ofFile(sources.resolve(StopsGenerator.OSM_FILE)))
                .force(true).fenceDomain(domain).build();
    }

    /** @return the digest every complete import leaves in the served tables */
    public String reference() {
        return reference;
    }

    Path scratch() {
        return scratch;
    }

    PostgresServer.Database database() {
        return database;
    }

    Path sources() {
        return sources;
    }

    /** @return the digest of the served tables before the first import */
    String empty() {
        return empty;
    }

    /**
     * Runs the drill against one backend.
     *
     * @param backend  {@code redis} or {@code file}
     * @param state    the Redis URL, or the state directory
     * @param settings how
     * @return the figures
     * @throws Exception when the drill cannot run (a broken promise is a figure, not an exception)
     */
    public DrillResult run(String backend, String state, Settings settings) throws Exception {
        long began = System.nanoTime();
        Path dir = Files.createDirectories(scratch.resolve("drill-" + backend));
        Path log = dir.resolve("events.log");
        Path stop = dir.resolve("stop");
        Files.deleteIfExists(stop);
        Files.write(log, new byte[0]);
        DrillWorkers workers = new DrillWorkers(dir, backend, state, database, sources, log, stop,
                settings.leaseTtl(), List.of());
        ServedReads served = ServedReads.start(dataSource, reference, empty);
        List<DrillAnalysis.Kill> kills = new ArrayList<>();
        try (RandomAccessFile tail = new RandomAccessFile(log.toFile(), "r")) {
            DrillLogTail reader = new DrillLogTail(tail);
            Random random = new Random(settings.seed());
            Map<String, Double> plannedFraction = new HashMap<>();
            Map<String, Long> phaseOneMicros = new HashMap<>();
            double typicalMicros = 300_000; // of a run from its first phase to its end, learnt as runs end
            Map<String, Long> killAtNanos = new HashMap<>();
            Map<Long, String> currentRun = new HashMap<>();
            int started = 0;
            for (int i = 0; i < settings.workers(); i++) {
                workers.start(null);
            }
            while (!Files.exists(stop)) {
                for (String[] e : reader.newEvents()) {
                    switch (e[0]) {
                        case "start" -> {
                            currentRun.put(Long.parseLong(e[3]), e[1]);
                            boolean kill = random.nextDouble() < settings.killShare();
                            double fraction = random.nextDouble();
                            if (kill && started < settings.runs() - 2) {
                                plannedFraction.put(e[1], fraction);
                            }
                            started++;
                            if (started >= settings.runs()) {
                                Files.write(stop, new byte[0]);
                            }
                        }
                        case "phase" -> {
                            if ("1".equals(e[2])) {
                                phaseOneMicros.put(e[1], Long.parseLong(e[4]));
                                Double fraction = plannedFraction.remove(e[1]);
                                if (fraction != null) {
                                    // somewhere within the run: download, match, problems, import or after
                                    killAtNanos.put(e[1], System.nanoTime() + (long) (fraction * typicalMicros * 1000));
                                }
                            }
                        }
                        case "end" -> {
                            killAtNanos.remove(e[1]);
                            currentRun.values().remove(e[1]);
                            Long first = phaseOneMicros.remove(e[1]);
                            if (first != null && "SUCCEEDED".equals(e[2])) {
                                typicalMicros = 0.8 * typicalMicros + 0.2 * (Long.parseLong(e[3]) - first);
                            }
                        }
                        default -> { }
                    }
                }
                long now = System.nanoTime();
                for (var it = killAtNanos.entrySet().iterator(); it.hasNext(); ) {
                    var due = it.next();
                    if (due.getValue() > now) {
                        continue;
                    }
                    it.remove();
                    Long pid = currentRun.entrySet().stream().filter(r -> r.getValue().equals(due.getKey()))
                            .map(Map.Entry::getKey).findFirst().orElse(null);
                    if (pid != null && workers.kill(pid)) {
                        kills.add(new DrillAnalysis.Kill(pid, DrillWorker.epochMicros()));
                        currentRun.remove(pid);
                        workers.start(null);
                    }
                }
                workers.replaceExited();
                Thread.sleep(2);
            }
            workers.awaitAll(Duration.ofSeconds(60));
            // one closing run, so that a run killed last is recorded as abandoned by a next holder
            workers.start(1);
            workers.awaitAll(settings.leaseTtl().multipliedBy(2).plusSeconds(60));
        } finally {
            workers.killAll();
            served.close();
        }
        boolean servedAtEnd = reference.equals(ServedReads.digest(dataSource));
        DrillAnalysis analysis = DrillAnalysis.of(Files.readAllLines(log), kills, List.of(),
                JdbcRunHistory.create(dataSource));
        return analysis.result(backend, served.reads(), served.bad(), served.errors(),
                servedAtEnd, settings.leaseTtl(), Duration.ofNanos(System.nanoTime() - began),
                workers.unexpectedExits, null);
    }
}
