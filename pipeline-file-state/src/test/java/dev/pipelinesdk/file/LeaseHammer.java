package dev.pipelinesdk.file;

import dev.pipelinesdk.api.testing.Leases;
import dev.pipelinesdk.api.Lease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of {@link MultiProcessLeaseTest}. Modes:
 * <ul>
 *   <li>{@code hammer <stateDir> <logFile> <iterations>}: acquire, log START, work, log END, release;</li>
 *   <li>{@code hold <stateDir> <ttlMillis>}: acquire, print {@code HOLDING <fence> <owner>}, sleep until killed;</li>
 *   <li>{@code probe <stateDir>}: try once, print {@code ACQUIRED <fence>} or {@code BUSY <holder>}.</li>
 * </ul>
 * Exit code 0 on success, 2 when a lease could not be acquired within the bound.
 */
public final class LeaseHammer {

    static final String PIPELINE = "shared";
    private static final Duration ACQUIRE_BOUND = Duration.ofSeconds(60);

    private LeaseHammer() {
    }

    public static void main(String[] args) throws Exception {
        long pid = ProcessHandle.current().pid();
        try (FileStateBackend backend = FileStateBackend.open(Path.of(args[1]))) {
            switch (args[0]) {
                case "hammer" -> hammer(backend, Path.of(args[2]), Integer.parseInt(args[3]), pid);
                case "hold" -> hold(backend, Duration.ofMillis(Long.parseLong(args[2])), pid);
                case "probe" -> probe(backend, pid);
                case "poll" -> poll(backend, Duration.ofMillis(Long.parseLong(args[2])));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void hammer(FileStateBackend backend, Path log, int iterations, long pid) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int i = 0; i < iterations; i++) {
                Lease lease = Leases.awaitAcquire(backend, PIPELINE, "p" + pid + "-" + i, Duration.ofSeconds(30), ACQUIRE_BOUND);
                append(out, "START " + pid + " " + lease.fencingToken());
                long until = System.nanoTime() + random.nextLong(200_000, 2_000_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // a little work while holding the lease
                }
                append(out, "END " + pid + " " + lease.fencingToken());
                lease.release();
                if (random.nextBoolean()) {
                    Thread.sleep(1); // let the others in now and then
                }
            }
        }
        System.out.println("DONE " + pid);
    }

    private static void hold(FileStateBackend backend, Duration ttl, long pid) throws Exception {
        Lease lease = Leases.awaitAcquire(backend, PIPELINE, "holder-" + pid, ttl, ACQUIRE_BOUND);
        System.out.println("HOLDING " + lease.fencingToken() + " " + lease.owner());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis()); // until the parent kills us
    }

    private static void probe(FileStateBackend backend, long pid) {
        Optional<Lease> lease = backend.tryAcquire(PIPELINE, "probe-" + pid, Duration.ofMinutes(1));
        if (lease.isPresent()) {
            System.out.println("ACQUIRED " + lease.get().fencingToken());
            lease.get().release();
        } else {
            System.out.println("BUSY " + backend.currentHolder(PIPELINE).orElse("-"));
        }
    }

    /** Asks who holds the lease in a tight loop, as a status page polling the backend would. */
    private static void poll(FileStateBackend backend, Duration duration) {
        System.out.println("POLLING");
        System.out.flush();
        long end = System.nanoTime() + duration.toNanos();
        long polls = 0;
        while (System.nanoTime() < end) {
            backend.currentHolder(PIPELINE);
            polls++;
        }
        System.out.println("POLLS " + polls);
    }

    private static void append(FileChannel out, String line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        out.force(false);
    }
}
