package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.scheduling.PipelineScheduler;
import dev.pipelinesdk.core.scheduling.Schedule;
import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import dev.pipelinesdk.file.FileStateBackend;
import dev.pipelinesdk.redis.RedisStateBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One worker process of the fault drill: runs the stops pipeline again and again (every run
 * imports) until the stop file exists, and appends what its runs do to the shared drill log, one
 * line per event, each written with one {@code write} on a file opened for appending. With
 * {@code --schedule-ms} the runs come from a {@link PipelineScheduler} (db-scheduler on the
 * database) with {@code Schedule.every} that interval instead of a {@code runOnce} loop, and with
 * {@code --trigger-ms} the worker also asks that scheduler for a manual run about that often (so
 * that a triggered and a scheduled execution contend for the lease, on different workers).
 *
 * <pre>
 * start &lt;runId&gt; &lt;fence&gt; &lt;pid&gt; &lt;epochMicros&gt; &lt;trigger&gt; the run holds the lease
 * phase &lt;runId&gt; &lt;index&gt; &lt;name&gt; &lt;epochMicros&gt;       its running status for the phase is published
 * phase-end &lt;runId&gt; &lt;name&gt; &lt;outcome&gt; &lt;epochMicros&gt;  the phase ended (before the lease is released)
 * end &lt;runId&gt; &lt;outcome&gt; &lt;epochMicros&gt;               the run finished (after the lease was released)
 * abandoned &lt;runId&gt; &lt;epochMicros&gt;                    this worker recorded a dead run as abandoned
 * missed &lt;runId&gt; &lt;epochMicros&gt;                       a scheduled instant was missed (misfire rule)
 * </pre>
 *
 * Attempts refused with {@code ALREADY_RUNNING} are not logged; the worker backs off briefly and
 * tries again. Arguments ({@code --name value}): {@code backend} ({@code redis}|{@code file}),
 * {@code state} (Redis URL or directory), {@code db-url}, {@code db-user}, {@code sources},
 * {@code data}, {@code log}, {@code stop}, {@code ttl-ms}, and optionally {@code max-runs} (stop after that
 * many runs; not with a schedule), {@code schedule-ms} (run on that schedule) and {@code trigger-ms}; the database
 * password comes from the environment variable {@value #PASSWORD_VARIABLE}.
 */
public final class DrillWorker {
    /** The environment variable holding the database password (kept off the command line). */
    public static final String PASSWORD_VARIABLE = "DRILL_DB_PASSWORD";

    private DrillWorker() {
    }

    /**
     * @param args {@code --name value} pairs, see the class comment
     * @throws Exception when the worker cannot start
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = options(args);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(a.get("db-url"));
        ds.setUser(a.get("db-user"));
        ds.setPassword(System.getenv(PASSWORD_VARIABLE));
        StateBackend backend = "redis".equals(a.get("backend")) ? RedisStateBackend.open(a.get("state"))
                : FileStateBackend.open(Path.of(a.get("state")));
        Path sources = Path.of(a.get("sources"));
        Path data = Path.of(a.get("data"));
        Path stop = Path.of(a.get("stop"));
        Duration ttl = Duration.ofMillis(Long.parseLong(a.get("ttl-ms")));
        Pipeline pipeline = StopsPipeline.builder(ds, data)
                .sources(SourceUrl.ofFile(sources.resolve(StopsGenerator.REGISTRY_FILE)),
                        SourceUrl.ofFile(sources.resolve(StopsGenerator.OSM_FILE)))
                .force(true)
                .fenceDomain(backend.description())
                .build();
        if (a.containsKey("schedule-ms")) {
            try (EventLog log = new EventLog(Path.of(a.get("log")))) {
                scheduled(pipeline, backend, ds, ttl, Duration.ofMillis(Long.parseLong(a.get("schedule-ms"))),
                        Long.parseLong(a.getOrDefault("trigger-ms", "0")), data, stop, log);
            }
            System.exit(0);
        }
        try (EventLog log = new EventLog(Path.of(a.get("log")));
             PipelineRunner runner = PipelineRunner.builder(backend)
                     .history(JdbcRunHistory.create(ds))
                     .leaseTtl(ttl)
                     .cancelGrace(ttl.dividedBy(4))
                     .workDirectory(data.resolve("work"))
                     .listener(log)
                     .build()) {
            int maxRuns = Integer.parseInt(a.getOrDefault("max-runs", String.valueOf(Integer.MAX_VALUE)));
            int runs = 0;
            while (runs < maxRuns && !Files.exists(stop)) {
                try {
                    RunReport report = runner.runOnce(pipeline, Trigger.TEST, RunMode.full());
                    if (report.outcome() == RunOutcome.ALREADY_RUNNING) {
                        Thread.sleep(10 + ThreadLocalRandom.current().nextInt(20));
                    } else {
                        runs++;
                    }
                } catch (RuntimeException e) {
                    System.err.println("drill worker: run attempt failed: " + e);
                    Thread.sleep(100);
                }
            }
        }
        System.exit(0);
    }

    /**
     * Runs the pipeline through a scheduler until the stop file exists, then stops it gracefully.
     * Start-up retries while the database is unreachable (the drill may restart it at any time).
     */
    private static void scheduled(Pipeline pipeline, StateBackend backend, PGSimpleDataSource ds, Duration ttl,
                                  Duration interval, long triggerMs, Path data, Path stop, EventLog log)
            throws InterruptedException {
        PipelineScheduler scheduler = PipelineScheduler.builder(ds, backend)
                .pipeline(pipeline, Schedule.every(interval, ZoneOffset.UTC))
                .pollingInterval(Duration.ofMillis(100))
                .leaseTtl(ttl)
                .shutdownDeadline(Duration.ofSeconds(5))
                .listener(log)
                .runnerOptions(rb -> rb.workDirectory(data.resolve("work")))
                .build();
        while (true) {
            try {
                scheduler.start();
                break;
            } catch (RuntimeException e) {
                System.err.println("drill worker: scheduler start failed, retrying: " + e);
                Thread.sleep(200);
            }
        }
        try {
            long nextTrigger = System.nanoTime();
            while (!Files.exists(stop)) {
                if (triggerMs > 0 && System.nanoTime() >= nextTrigger) {
                    try {
                        scheduler.trigger(pipeline.name());
                    } catch (RuntimeException e) {
                        System.err.println("drill worker: trigger failed: " + e.getMessage());
                    }
                    nextTrigger = System.nanoTime() + (triggerMs / 2 + ThreadLocalRandom.current().nextLong(triggerMs))
                            * 1_000_000L;
                }
                Thread.sleep(20);
            }
        } finally {
            scheduler.stop();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --name value, got: " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : new String[] {"backend", "state", "db-url", "db-user", "sources", "data", "log",
                "stop", "ttl-ms"}) {
            if (!out.containsKey(required)) {
                throw new IllegalArgumentException("Missing argument --" + required);
            }
        }
        return out;
    }

    /** @return now in microseconds since the epoch (the wall clock shared by all drill processes) */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Appends one line per run event to the shared log. */
    private static final class EventLog implements PipelineListener, AutoCloseable {
        private final FileChannel channel;
        private final long pid = ProcessHandle.current().pid();

        EventLog(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }

        private synchronized void line(String text) {
            ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void onRunStarted(RunInfo run) {
            line("start " + run.runId() + " " + run.fencingToken() + " " + pid + " " + epochMicros() + " "
                    + run.trigger().wireName());
        }

        @Override
        public void onPhaseStarted(RunInfo run, String phase, int index) {
            line("phase " + run.runId() + " " + index + " " + phase + " " + epochMicros());
        }

        @Override
        public void onPhaseFinished(RunInfo run, PhaseReport report) {
            line("phase-end " + run.runId() + " " + report.name() + " " + report.outcome() + " " + epochMicros());
        }

        @Override
        public void onRunFinished(RunReport report) {
            line("end " + report.runId() + " " + report.outcome() + " " + epochMicros());
        }

        @Override
        public void onRunAbandoned(RunReport abandoned) {
            line("abandoned " + abandoned.runId() + " " + epochMicros());
        }

        @Override
        public void onRunMissed(RunReport missed) {
            line("missed " + missed.runId() + " " + epochMicros());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
