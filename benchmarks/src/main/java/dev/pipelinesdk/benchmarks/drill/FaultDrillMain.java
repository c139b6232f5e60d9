package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.benchmarks.drill.RestartDrill.Disruption;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs a fault drill and writes its section of {@code docs/reliability.md} (the rest of the page is
 * kept): {@code FaultDrillMain [--drill kill|restart] [--runs N] [--backend redis|file|both]
 * [--restarts N] [--ttl-ms MS] [--seed S] [--out FILE]}. {@code kill} (the default) is the SIGKILL
 * drill ({@code --runs}, {@code --backend}); {@code restart} restarts Redis and PostgreSQL under
 * scheduled runs, {@code --restarts} times in each of its five configurations. Exits with 1 when a
 * promise was broken.
 */
public final class FaultDrillMain {
    private FaultDrillMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when the drill cannot run
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int runs = 600;
        String backends = "both";
        long ttlMs = 2000;
        long seed = 1L;
        Path out = Path.of("docs", "reliability.md");
        String drillKind = "kill";
        int restarts = 20;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--drill" -> drillKind = value;
                case "--restarts" -> restarts = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--backend" -> backends = value;
                case "--ttl-ms" -> ttlMs = Long.parseLong(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]
                        + " (usage: FaultDrillMain [--drill kill|restart] [--runs N] [--backend redis|file|both]"
                        + " [--restarts N] [--ttl-ms MS] [--seed S] [--out FILE])");
            }
            i++;
        }
        if (!List.of("redis", "file", "both").contains(backends)) {
            throw new IllegalArgumentException("--backend must be redis, file or both: " + backends);
        }
        if (!List.of("kill", "restart").contains(drillKind)) {
            throw new IllegalArgumentException("--drill must be kill or restart: " + drillKind);
        }
        String command = ("java -Xmx512m -cp benchmarks/target/benchmarks.jar " + FaultDrillMain.class.getName()
                + " " + String.join(" ", args)).trim();
        Path scratch = Files.createTempDirectory("pipeline-fault-drill-");
        List<DrillResult> results;
        String section;
        if (drillKind.equals("kill")) {
            FaultDrill.Settings settings = new FaultDrill.Settings(runs, 0.2, Duration.ofMillis(ttlMs), 3, seed);
            results = kill(scratch, backends, settings);
            section = ReliabilityReport.killSection(results, settings, command, machine());
        } else {
            List<RestartDrill.Settings> drills = restartDrills(restarts, Duration.ofMillis(ttlMs), seed);
            results = restart(scratch, drills);
            section = ReliabilityReport.restartSection(results, drills, command, machine());
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        String page = Files.exists(out) ? Files.readString(out) : null;
        Files.writeString(out, ReliabilityReport.merge(page, drillKind.equals("kill") ? ReliabilityReport.KILL
                : ReliabilityReport.RESTART, section));
        System.out.println("Wrote " + out);
        if (!results.stream().allMatch(DrillResult::passed)) {
            System.exit(1);
        }
        System.exit(0);
    }

    private static List<DrillResult> kill(Path scratch, String backends, FaultDrill.Settings settings)
            throws Exception {
        List<DrillResult> results = new ArrayList<>();
        FaultDrill drill = FaultDrill.prepare(scratch, PostgresServer.shared().newDatabase());
        if (!backends.equals("file")) {
            try (RedisServerProcess redis = RedisServerProcess.start(scratch.resolve("redis"))) {
                results.add(print(drill.run("redis", redis.url(), settings)));
            }
        }
        if (!backends.equals("redis")) {
            results.add(print(drill.run("file", scratch.resolve("file-state").toString(), settings)));
        }
        return results;
    }

    /** The five restart configurations: two safe Redis ones, the unsafe contrast, PostgreSQL with each backend. */
    private static List<RestartDrill.Settings> restartDrills(int restarts, Duration ttl, long seed) {
        Duration every = Duration.ofSeconds(1);
        Duration trigger = Duration.ofMillis(500);
        return List.of(
                new RestartDrill.Settings("redis-aof", "Redis, AOF always, restarted at once",
                        List.of(Disruption.REDIS_KILL), restarts, false, ttl, every, trigger, 3, seed),
                new RestartDrill.Settings("redis-down-ttl", "Redis, no persistence, down one TTL",
                        List.of(Disruption.REDIS_KILL_DOWN_TTL), restarts, false, ttl, every, trigger, 3, seed + 1),
                new RestartDrill.Settings("redis-volatile", "contrast: Redis, no persistence, restarted at once",
                        List.of(Disruption.REDIS_KILL), restarts, true, ttl, every, trigger, 3, seed + 2),
                new RestartDrill.Settings("postgres-redis", "PostgreSQL killed / stopped, Redis backend",
                        List.of(Disruption.POSTGRES_KILL, Disruption.POSTGRES_STOP), restarts, false, ttl, every, trigger, 3,
                        seed + 3),
                new RestartDrill.Settings("postgres-file", "PostgreSQL killed / stopped, file backend",
                        List.of(Disruption.POSTGRES_KILL, Disruption.POSTGRES_STOP), restarts, false, ttl, every, trigger, 3,
                        seed + 4));
    }

    private static List<DrillResult> restart(Path scratch, List<RestartDrill.Settings> drills) throws Exception {
        List<DrillResult> results = new ArrayList<>();
        try (PostgresServer postgres = PostgresServer.startDedicated()) {
            for (RestartDrill.Settings d : drills) {
                FaultDrill setup = FaultDrill.prepare(scratch.resolve(d.key()), postgres.newDatabase());
                Path redisDir = scratch.resolve(d.key()).resolve("redis");
                // AOF always, except for the drills of Redis without persistence
                try (RedisServerProcess redis = d.key().equals("redis-down-ttl") || d.key().equals("redis-volatile")
                        ? RedisServerProcess.start(redisDir) : RedisServerProcess.startAppendOnly(redisDir)) {
                    boolean file = d.key().equals("postgres-file");
                    results.add(print(RestartDrill.run(setup, file ? "file" : "redis",
                            file ? scratch.resolve(d.key()).resolve("file-state").toString() : redis.url(), d, redis,
                            postgres)));
                }
            }
        }
        return results;
    }

    private static DrillResult print(DrillResult r) {
        System.out.println(r.summary());
        return r;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%s, %d cores available, %s %s, Java %s (%s), measured %s", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), LocalDate.now(ZoneOffset.UTC));
    }
}
