package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.core.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The drill's worker processes ({@link DrillWorker}), each with a data directory and an output file of its own. */
final class DrillWorkers {
    private final Path dir;
    private final List<String> common;
    private final String password;
    private final Map<Long, Process> alive = new HashMap<>();
    private int next;
    int unexpectedExits;

    /**
     * @param dir      where the workers' data directories and output files go
     * @param backend  {@code redis} or {@code file}
     * @param state    the Redis URL or the state directory
     * @param database the database
     * @param sources  the generated sources
     * @param log      the shared drill log
     * @param stop     the stop file
     * @param ttl      the lease TTL
     * @param extra    further worker arguments ({@code --name value} pairs)
     */
    DrillWorkers(Path dir, String backend, String state, PostgresServer.Database database, Path sources, Path log,
                 Path stop, Duration ttl, List<String> extra) {
        this.dir = dir;
        this.password = database.password() == null ? "" : database.password();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), DrillWorker.class.getName(),
                "--backend", backend, "--state", state, "--db-url", database.jdbcUrl(),
                "--db-user", database.user(), "--sources", sources.toString(), "--log", log.toString(),
                "--stop", stop.toString(), "--ttl-ms", String.valueOf(ttl.toMillis())));
        cmd.addAll(extra);
        this.common = List.copyOf(cmd);
    }

    /** Starts one worker; with {@code maxRuns} it stops after that many runs (and the stop file is removed). */
    void start(Integer maxRuns) throws IOException {
        int n = next++;
        List<String> cmd = new ArrayList<>(common);
        cmd.addAll(List.of("--data", dir.resolve("worker-" + n).toString()));
        if (maxRuns != null) {
            cmd.addAll(List.of("--max-runs", maxRuns.toString()));
            Files.deleteIfExists(dir.resolve("stop"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker-" + n + ".out").toFile()));
        pb.environment().put(DrillWorker.PASSWORD_VARIABLE, password);
        Process p = pb.start();
        alive.put(p.pid(), p);
    }

    /** SIGKILLs one worker (by its process id) and waits until it is gone. */
    boolean kill(long pid) throws InterruptedException {
        Process p = alive.remove(pid);
        if (p == null || !p.isAlive()) {
            return false;
        }
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        return true;
    }

    /** Replaces workers that exited although nobody killed them or told them to stop. */
    void replaceExited() throws IOException {
        List<Long> gone = alive.entrySet().stream().filter(w -> !w.getValue().isAlive()).map(Map.Entry::getKey)
                .toList();
        for (Long pid : gone) {
            alive.remove(pid);
            unexpectedExits++;
            if (unexpectedExits > 5) {
                throw new IllegalStateException("Workers keep exiting on their own, see " + dir);
            }
            System.err.println("fault drill: worker " + pid + " exited on its own, see " + dir);
            start(null);
        }
    }

    /** Waits until every worker exited. */
    void awaitAll(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Process p : alive.values()) {
            long left = deadline - System.nanoTime();
            if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("Worker " + p.pid() + " did not stop within " + bound + ", see " + dir);
            }
        }
        alive.clear();
    }

    void killAll() {
        for (Process p : alive.values()) {
            p.destroyForcibly();
        }
        alive.clear();
    }
}
