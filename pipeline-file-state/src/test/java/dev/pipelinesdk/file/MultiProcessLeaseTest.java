package dev.pipelinesdk.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.testing.Leases;
import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.api.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Leases between separate JVM processes on one state directory, including a holder killed with SIGKILL. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MultiProcessLeaseTest {

    private static final String PIPELINE = LeaseHammer.PIPELINE;
    private static final Duration LONG_TTL = Duration.ofMinutes(10);

    @TempDir
    Path tmp;

    @Test
    void processesHammeringOneLease_neverOverlap_andFencesStrictlyIncrease() throws Exception {
        int processes = 3;
        int iterations = 40;
        Path state = tmp.resolve("state");
        Path log = tmp.resolve("intervals.log");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                children.add(ChildJvm.start(tmp, List.of(), LeaseHammer.class, "hammer", state.toString(), log.toString(),
                        String.valueOf(iterations)));
            }
            for (ChildJvm child : children) {
                assertThat(child.awaitExit(Duration.ofSeconds(120))).as("exit code%s", child.diagnostics()).isZero();
            }
        } finally {
            for (ChildJvm child : children) {
                child.close();
            }
        }

        List<String> lines = Files.readAllLines(log);
        StringBuilder diagnostics = new StringBuilder();
        children.forEach(c -> diagnostics.append(c.diagnostics()));
        assertThat(lines).as("log lines%s", diagnostics).hasSize(2 * processes * iterations);
        long lastFence = 0;
        Map<String, Integer> perProcess = new HashMap<>();
        for (int i = 0; i < lines.size(); i += 2) {
            String[] start = lines.get(i).split(" ");
            String[] end = lines.get(i + 1).split(" ");
            assertThat(start[0]).as("line %d: %s", i + 1, lines.get(i)).isEqualTo("START");
            assertThat(end).as("line %d must end the interval begun on line %d", i + 2, i + 1)
                    .containsExactly("END", start[1], start[2]);
            long fence = Long.parseLong(start[2]);
            assertThat(fence).as("fence on line %d", i + 1).isGreaterThan(lastFence);
            lastFence = fence;
            perProcess.merge(start[1], 1, Integer::sum);
        }
        assertThat(perProcess).hasSize(processes).allSatisfy((pid, count) -> assertThat(count).isEqualTo(iterations));
    }

    @Test
    void holderKilledWithSigkill_freesTheLeaseAtOnce_notAfterItsTtl() throws Exception {
        Path state = tmp.resolve("state");
        try (ChildJvm holder = ChildJvm.start(tmp, List.of(), LeaseHammer.class, "hold", state.toString(),
                String.valueOf(LONG_TTL.toMillis()));
                FileStateBackend backend = FileStateBackend.open(state)) {
            String[] holding = holder.awaitLine("HOLDING ", Duration.ofSeconds(30)).split(" ");
            long childFence = Long.parseLong(holding[1]);
            String childOwner = holding[2];

            assertThat(backend.tryAcquire(PIPELINE, "parent", LONG_TTL)).as("held by the child%s", holder.diagnostics())
                    .isEmpty();
            assertThat(backend.currentHolder(PIPELINE)).contains(childOwner);

            holder.process().destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(holder.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            Lease lease = Leases.awaitAcquire(backend, PIPELINE, "parent", LONG_TTL, Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(took).as("far less than the child's TTL of %s", LONG_TTL).isLessThan(Duration.ofSeconds(10));
            assertThat(lease.fencingToken()).isGreaterThan(childFence);
            assertThat(backend.currentHolder(PIPELINE)).contains("parent");
        }
    }

    @Test
    void instancesInOneJvm_doNotDropEachOthersOsLock() throws Exception {
        Path state = tmp.resolve("state");
        try (FileStateBackend holder = FileStateBackend.open(state)) {
            Lease lease = holder.tryAcquire(PIPELINE, "owner-a", LONG_TTL).orElseThrow();
            // On POSIX, closing any descriptor of the lock file drops all of this process's locks on
            // it. Other instances trying, inspecting and closing must not open it behind our back.
            for (int i = 0; i < 3; i++) {
                try (FileStateBackend other = FileStateBackend.open(state)) {
                    assertThat(other.tryAcquire(PIPELINE, "owner-b", LONG_TTL)).isEmpty();
                    assertThat(other.currentHolder(PIPELINE)).contains("owner-a");
                }
            }

            assertThat(probe(state)).isEqualTo("BUSY owner-a");

            lease.release();
            String[] acquired = probe(state).split(" ");
            assertThat(acquired[0]).isEqualTo("ACQUIRED");
            assertThat(Long.parseLong(acquired[1])).isGreaterThan(lease.fencingToken());
        }
    }

    @Test
    void renewOnAnInterruptedThread_keepsTheOsLock() throws Exception {
        Path state = tmp.resolve("state");
        try (FileStateBackend backend = FileStateBackend.open(state);
                FileStateBackend other = FileStateBackend.open(state)) {
            Lease lease = backend.tryAcquire(PIPELINE, "owner-a", LONG_TTL).orElseThrow();

            Thread.currentThread().interrupt(); // e.g. a runner shutting down its renewal thread
            boolean renewed;
            try {
                renewed = lease.renew();
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
            }

            assertThat(renewed).isTrue();
            assertThat(other.currentHolder(PIPELINE)).contains("owner-a");
            assertThat(probe(state)).as("another process while owner-a holds the lease").isEqualTo("BUSY owner-a");
            lease.release();
        }
    }

    @Test
    void processPollingTheHolder_neverMakesAnAcquisitionFail() throws Exception {
        Path state = tmp.resolve("state");
        int refused = 0;
        int tries = 0;
        try (FileStateBackend backend = FileStateBackend.open(state);
                ChildJvm poller = ChildJvm.start(tmp, List.of(), LeaseHammer.class, "poll", state.toString(), "3000")) {
            poller.awaitLine("POLLING", Duration.ofSeconds(30));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end) {
                Optional<Lease> lease = backend.tryAcquire(PIPELINE, "runner", LONG_TTL);
                tries++;
                if (lease.isEmpty()) {
                    refused++;
                } else {
                    lease.get().release();
                }
            }
            assertThat(poller.awaitLine("POLLS ", Duration.ofSeconds(30))).as("the poller kept polling").isNotBlank();
        }
        assertThat(tries).isGreaterThan(10);
        assertThat(refused).as("acquisitions refused out of %d while nobody held the lease", tries).isZero();
    }

    private String probe(Path state) throws Exception {
        try (ChildJvm child = ChildJvm.start(tmp, List.of(), LeaseHammer.class, "probe", state.toString())) {
            String line = child.awaitLine("", Duration.ofSeconds(30));
            assertThat(child.awaitExit(Duration.ofSeconds(30))).as("exit code%s", child.diagnostics()).isZero();
            return line;
        }
    }
}
