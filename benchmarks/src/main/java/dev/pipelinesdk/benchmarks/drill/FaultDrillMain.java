package dev.pipelinesdk.benchmarks.drill;

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
 * Runs the fault drill and writes {@code docs/reliability.md}:
 * {@code FaultDrillMain [--runs N] [--backend redis|file|both] [--ttl-ms MS] [--seed S] [--out FILE]}.
 * Exits with 1 when a promise was broken.
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
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value);
                case "--backend" -> backends = value;
                case "--ttl-ms" -> ttlMs = Long.parseLong(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]
                        + " (usage: FaultDrillMain [--runs N] [--backend redis|file|both] [--ttl-ms MS] [--seed S]"
                        + " [--out FILE])");
            }
            i++;
        }
        if (!List.of("redis", "file", "both").contains(backends)) {
            throw new IllegalArgumentException("--backend must be redis, file or both: " + backends);
        }
        FaultDrill.Settings settings = new FaultDrill.Settings(runs, 0.2, Duration.ofMillis(ttlMs), 3, seed);
        Path scratch = Files.createTempDirectory("pipeline-fault-drill-");
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
        String command = "java -Xmx512m -cp benchmarks/target/benchmarks.jar " + FaultDrillMain.class.getName()
                + " " + String.join(" ", args);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, ReliabilityReport.markdown(results, settings, command.trim(), machine()));
        System.out.println("Wrote " + out);
        if (!results.stream().allMatch(DrillResult::passed)) {
            System.exit(1);
        }
        System.exit(0);
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
