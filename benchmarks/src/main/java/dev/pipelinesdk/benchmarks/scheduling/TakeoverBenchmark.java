package dev.pipelinesdk.benchmarks.scheduling;

import static dev.pipelinesdk.benchmarks.Comparison.percentile;

import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Issue 7 target 6: the JVM holding a run is SIGKILLed; how long until another instance starts the
 * next run, against the lease TTL.
 */
public final class TakeoverBenchmark implements Benchmark {
    static final Duration TTL = Duration.ofSeconds(3);
    static final int KILLS = 8;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Override
    public String id() {
        return "takeover";
    }

    @Override
    public String title() {
        return "6. Crash takeover";
    }

    @Override
    public String method() {
        return "Two scheduler JVMs (core's `SchedulerNode`: file state backend in one directory, one PostgreSQL, a"
                + " pipeline due every second whose phase works for 10 minutes, lease TTL " + TTL.toSeconds() + " s,"
                + " polling 200 ms). " + KILLS + " times: wait until a run starts, SIGKILL the JVM running it, and"
                + " measure from the kill to the start of the next run (the other JVM's phase start, from the shared"
                + " work log), then start a fresh JVM in place of the killed one. The next run must wait for the dead"
                + " run's lease to expire (at most one TTL after its last renewal) and for db-scheduler to see the"
                + " execution dead (4 missed heartbeats of TTL/6, at least 500 ms).";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        PostgresServer.Database db = env.database();
        SchemaMigrations.migrate(db.dataSource());
        Path dir = Files.createDirectories(env.scratch().resolve("takeover"));
        Path state = dir.resolve("state");
        Path log = dir.resolve("work.log");
        Map<String, Process> nodes = new HashMap<>();
        int generation = 0;
        List<Double> takeoverMs = new ArrayList<>();
        try {
            nodes.put("a0", start(db, state, log, "a0", dir));
            nodes.put("b0", start(db, state, log, "b0", dir));
            Set<String> seen = new HashSet<>();
            String[] current = awaitStart(log, seen);
            for (int k = 0; k < KILLS; k++) {
                Process holder = nodes.remove(current[1]);
                Instant killedAt = Instant.now();
                holder.destroyForcibly();
                holder.waitFor(10, TimeUnit.SECONDS);
                String[] next = awaitStart(log, seen);
                takeoverMs.add((double) Duration.between(killedAt, Instant.parse(next[2])).toMillis());
                String replacement = (current[1].startsWith("a") ? "a" : "b") + (++generation);
                nodes.put(replacement, start(db, state, log, replacement, dir));
                current = next;
            }
        } finally {
            nodes.values().forEach(Process::destroyForcibly);
        }
        double[] ms = takeoverMs.stream().mapToDouble(Double::doubleValue).toArray();
        double max = percentile(ms, 100);
        return List.of(new Figure(id(), "SIGKILL of the holder → next run started elsewhere", String.format(Locale.ROOT,
                "p50 %.2f s, max %.2f s (TTL %d s)", percentile(ms, 50) / 1000, max / 1000, TTL.toSeconds()),
                "≤ TTL + 2 s", max <= TTL.toMillis() + 2000, KILLS + " kills; all samples (s): " + samples(ms)));
    }

    private static String samples(double[] ms) {
        List<String> s = new ArrayList<>();
        for (double m : ms) {
            s.add(String.format(Locale.ROOT, "%.2f", m / 1000));
        }
        return String.join(", ", s);
    }

    private static Process start(PostgresServer.Database db, Path state, Path log, String node, Path dir)
            throws IOException, InterruptedException {
        Path out = dir.resolve(node + ".out");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.pipelinesdk.core.scheduling.SchedulerNode", "scheduler", db.jdbcUrl(), db.user(),
                db.password() == null ? "" : db.password(), state.toString(), log.toString(), node, "1000", "600000",
                Long.toString(TTL.toMillis()));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!Files.exists(out) || !Files.readString(out).contains("READY")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("scheduler node " + node + " did not start: " + Files.readString(out));
            }
            Thread.sleep(20);
        }
        return p;
    }

    /** @return the fields {@code start RUN NODE INSTANT} of the next run start not seen before */
    private static String[] awaitStart(Path log, Set<String> seen) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.split(" ");
                    if (f.length == 4 && f[0].equals("start") && seen.add(f[1])) {
                        return new String[] {f[1], f[2], f[3]};
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no run started within " + BOUND);
    }
}
