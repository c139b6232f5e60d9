package dev.pipelinesdk.redis;

import dev.pipelinesdk.api.testing.Leases;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of {@link MultiProcessRedisLeaseTest} and {@link RedisAuthTest}. Modes:
 * <ul>
 *   <li>{@code hammer <redisUrl> <logFile> <stopFile> <minIterations>}: acquire (TTL 3 s), append
 *       {@code START <pid> <fence>}, work 10–20 ms, append {@code END <pid> <fence>}, release; until
 *       the stop file exists and at least minIterations are done;</li>
 *   <li>{@code auth <redisUrl>...}: for each URL, acquire + publish + read, printing {@code OK} or
 *       {@code FAILED <message>} (run with debug logging to check no log line holds a password).</li>
 * </ul>
 * Exit code 0 on success; non-zero (an AssertionError) when a lease could not be acquired within the bound.
 */
public final class RedisLeaseHammer {

    static final String PIPELINE = "shared";
    static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration ACQUIRE_BOUND = Duration.ofSeconds(60);
    private static final Duration RUN_BOUND = Duration.ofSeconds(120);

    private RedisLeaseHammer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hammer" -> hammer(args[1], Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
            case "auth" -> auth(args);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void hammer(String url, Path log, Path stopFile, int minIterations) throws Exception {
        long pid = ProcessHandle.current().pid();
        long runDeadline = System.nanoTime() + RUN_BOUND.toNanos();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (RedisStateBackend backend = RedisStateBackend.builder(url).commandTimeout(Duration.ofSeconds(2)).build();
                FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
            for (int i = 0; i < minIterations || !Files.exists(stopFile); i++) {
                if (System.nanoTime() > runDeadline) {
                    System.err.println(pid + " still running after " + RUN_BOUND);
                    System.exit(3);
                }
                Lease lease = Leases.awaitAcquire(backend, PIPELINE, "p" + pid + "-" + i, TTL, ACQUIRE_BOUND);
                append(out, "START " + pid + " " + lease.fencingToken());
                Thread.sleep(random.nextLong(10, 21)); // the work done under the lease
                append(out, "END " + pid + " " + lease.fencingToken());
                lease.release();
                Thread.sleep(random.nextLong(0, 3)); // let the others in now and then
            }
        }
        System.out.println("DONE " + pid);
    }

    private static void auth(String[] urls) {
        for (int i = 1; i < urls.length; i++) {
            try (RedisStateBackend backend = RedisStateBackend.builder(urls[i]).connectTimeout(Duration.ofSeconds(2))
                    .commandTimeout(Duration.ofSeconds(2)).build()) {
                Lease lease = backend.tryAcquire("auth-probe", "probe-" + i, Duration.ofSeconds(10)).orElseThrow();
                backend.publishStatus(PipelineStatus.idle("auth-probe"));
                backend.readStatus("auth-probe").orElseThrow();
                lease.release();
                System.out.println("OK " + backend.description());
            } catch (RuntimeException e) {
                System.out.println("FAILED " + e.getMessage());
                e.printStackTrace(System.out);
            }
        }
    }

    private static void append(FileChannel out, String line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        out.force(false);
    }
}
