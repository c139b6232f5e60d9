package dev.pipelinesdk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Leases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.pipelinesdk.api.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link StateBackend} promises. A backend's test extends this class and
 * implements three hooks; each test method gets fresh, empty storage (the subclass arranges that,
 * e.g. with a {@code @TempDir} or by flushing a database).
 *
 * <p>Timing: leases that must not expire use long TTLs; expiry is awaited with a bound, never
 * asserted after a bare sleep.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StateBackendContractTest {

    /** Long enough that it never expires during a test. */
    protected static final Duration LONG_TTL = Duration.ofMinutes(5);
    /** Short enough to await its expiry. */
    protected static final Duration SHORT_TTL = Duration.ofMillis(300);

    private final List<StateBackend> opened = new ArrayList<>();
    private StateBackend first;

    /**
     * @return a new backend on this test's storage: every backend one test makes sees the same
     *     leases, documents and records (as separate processes would). May return the same instance.
     */
    protected abstract StateBackend newBackend() throws Exception;

    /** Stores raw bytes as the pipeline's status document, bypassing the backend (to corrupt it). */
    protected abstract void writeRawStatus(String pipeline, byte[] bytes) throws Exception;

    /** @return the raw stored bytes of the pipeline's status document */
    protected abstract byte[] readRawStatus(String pipeline) throws Exception;

    /** @return the backend of this test (made on first use) */
    protected final StateBackend backend() throws Exception {
        if (first == null) {
            first = open();
        }
        return first;
    }

    /** @return another backend on the same storage, closed after the test */
    protected final StateBackend open() throws Exception {
        StateBackend b = newBackend();
        synchronized (opened) {
            opened.add(b);
        }
        return b;
    }

    @AfterEach
    void closeBackends() {
        synchronized (opened) {
            for (StateBackend b : opened) {
                b.close();
            }
            opened.clear();
        }
    }

    // ---- leases ---------------------------------------------------------------------------

    @Test
    void leaseExcludesSecondOwner() throws Exception {
        Lease a = backend().tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();

        assertThat(backend().tryAcquire("stops", "owner-b", LONG_TTL)).isEmpty();
        assertThat(open().tryAcquire("stops", "owner-b", LONG_TTL)).isEmpty();
        assertThat(backend().tryAcquire("stops", "owner-a", LONG_TTL))
                .as("the same owner id may not acquire twice either").isEmpty();
        assertThat(backend().currentHolder("stops")).contains("owner-a");
        assertThat(a.owner()).isEqualTo("owner-a");
        assertThat(a.pipeline()).isEqualTo("stops");
        assertThat(a.ttl()).isEqualTo(LONG_TTL);
    }

    @Test
    void twoPipelineNamesAreIndependent() throws Exception {
        Lease stops = backend().tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        Lease lines = backend().tryAcquire("lines", "owner-b", LONG_TTL).orElseThrow();

        assertThat(backend().currentHolder("stops")).contains("owner-a");
        assertThat(backend().currentHolder("lines")).contains("owner-b");
        stops.release();
        assertThat(backend().currentHolder("stops")).isEmpty();
        assertThat(backend().currentHolder("lines")).contains("owner-b");
        assertThat(lines.renew()).isTrue();
    }

    @Test
    void acquireSucceedsAfterRelease() throws Exception {
        Lease a = backend().tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        a.release();

        assertThat(backend().currentHolder("stops")).isEmpty();
        Lease b = open().tryAcquire("stops", "owner-b", LONG_TTL).orElseThrow();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(backend().currentHolder("stops")).contains("owner-b");
    }

    @Test
    void releaseTwiceIsNoOpAndRenewAfterReleaseFails() throws Exception {
        Lease a = backend().tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        a.release();
        Lease b = backend().tryAcquire("stops", "owner-b", LONG_TTL).orElseThrow();

        a.release();
        a.close();
        assertThat(a.isReleased()).isTrue();
        assertThat(a.renew()).isFalse();
        assertThat(backend().currentHolder("stops")).contains("owner-b");
        assertThat(b.renew()).isTrue();
    }

    @Test
    void leaseNotRenewedExpiresAfterItsTtlAndCanBeTaken() throws Exception {
        long before = System.nanoTime();
        Lease a = backend().tryAcquire("stops", "owner-a", SHORT_TTL).orElseThrow();
        StateBackend other = open();

        Lease b = Leases.awaitAcquire(other, "stops", "owner-b", LONG_TTL, Await.BOUND);
        long tookNanos = System.nanoTime() - before;

        assertThat(Duration.ofNanos(tookNanos)).as("a lease must not be granted again before its TTL")
                .isGreaterThanOrEqualTo(SHORT_TTL);
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(backend().currentHolder("stops")).contains("owner-b");
    }

    @Test
    void renewKeepsTheLeaseBeyondItsOriginalTtl() throws Exception {
        Duration ttl = Duration.ofSeconds(1);
        long lastRenewStart = System.nanoTime();
        Lease a = backend().tryAcquire("stops", "owner-a", ttl).orElseThrow();
        StateBackend other = open();
        long start = System.nanoTime();

        int renewals = 0;
        while (Duration.ofNanos(System.nanoTime() - start).compareTo(ttl.multipliedBy(2)) < 0) {
            long callStart = System.nanoTime();
            boolean renewed = a.renew();
            long renewedAt = System.nanoTime();
            if (!renewed) {
                // only legitimate when this machine stalled for a whole TTL since the last renewal began
                assertThat(Duration.ofNanos(renewedAt - lastRenewStart))
                        .as("renewal %d refused although the lease was renewed less than its TTL before", renewals)
                        .isGreaterThanOrEqualTo(ttl);
                return;
            }
            lastRenewStart = callStart;
            Optional<Lease> stolen = other.tryAcquire("stops", "owner-b", LONG_TTL);
            if (stolen.isPresent()) {
                assertThat(Duration.ofNanos(System.nanoTime() - renewedAt))
                        .as("a renewed lease was granted to another owner within its TTL")
                        .isGreaterThanOrEqualTo(ttl);
                return;
            }
            renewals++;
            Thread.sleep(200);
        }
        assertThat(renewals).isGreaterThanOrEqualTo(5);
        assertThat(backend().currentHolder("stops")).contains("owner-a");
    }

    @Test
    void staleOwnerRenewAndReleaseAreNoOps() throws Exception {
        Lease stale = backend().tryAcquire("stops", "owner-a", SHORT_TTL).orElseThrow();
        StateBackend other = open();
        Lease fresh = Leases.awaitAcquire(other, "stops", "owner-b", LONG_TTL, Await.BOUND);

        assertThat(stale.renew()).as("renew by the owner whose lease expired and was taken over").isFalse();
        stale.release();

        assertThat(backend().currentHolder("stops")).contains("owner-b");
        assertThat(other.tryAcquire("stops", "owner-c", LONG_TTL)).isEmpty();
        assertThat(fresh.renew()).isTrue();
        assertThat(fresh.fencingToken()).isGreaterThan(stale.fencingToken());
    }

    @Test
    void expiredLeaseCannotBeRenewedEvenWithoutTakeover() throws Exception {
        Lease a = backend().tryAcquire("stops", "owner-a", SHORT_TTL).orElseThrow();
        StateBackend b = backend();
        Await.until(() -> b.currentHolder("stops").isEmpty(), "lease to expire");
        assertThat(a.renew()).isFalse();
        assertThat(backend().tryAcquire("stops", "owner-b", LONG_TTL)).isPresent();
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossAcquisitionsAndExpiry() throws Exception {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StateBackend b = i % 2 == 0 ? backend() : open();
            Lease lease = b.tryAcquire("stops", "owner-" + i, LONG_TTL).orElseThrow();
            tokens.add(lease.fencingToken());
            lease.release();
        }
        backend().tryAcquire("stops", "owner-x", SHORT_TTL).map(l -> tokens.add(l.fencingToken())).orElseThrow();
        tokens.add(Leases.awaitAcquire(open(), "stops", "owner-y", LONG_TTL, Await.BOUND).fencingToken());

        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as("token %d of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
        }
        assertThat(tokens.get(0)).isPositive();
    }

    @Test
    void invalidArgumentsAreRejectedWithTheValueNamed() throws Exception {
        assertThatThrownBy(() -> backend().tryAcquire("../etc", "owner-a", LONG_TTL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'../etc'");
        assertThatThrownBy(() -> backend().tryAcquire("stops", "owner a", LONG_TTL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'owner a'");
        assertThatThrownBy(() -> backend().tryAcquire("stops", "owner-a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> backend().readExport("stops", "../../passwd"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("export id");
    }

    // ---- status document ------------------------------------------------------------------

    @Test
    void statusIsEmptyBeforeFirstPublish() throws Exception {
        assertThat(backend().readStatus("stops")).isEmpty();
    }

    @Test
    void statusRoundTripsByteForByte() throws Exception {
        PipelineStatus status = fullStatus("stops");

        backend().publishStatus(status);

        assertThat(readRawStatus("stops")).isEqualTo(status.toJson());
        PipelineStatus read = open().readStatus("stops").orElseThrow();
        assertThat(read).isEqualTo(status);
        assertThat(read.toJson()).isEqualTo(status.toJson());
    }

    @Test
    void publishReplacesThePreviousStatus() throws Exception {
        backend().publishStatus(fullStatus("stops"));
        PipelineStatus idle = PipelineStatus.idle("stops");

        backend().publishStatus(idle);

        assertThat(backend().readStatus("stops")).contains(idle);
        assertThat(backend().readStatus("lines")).isEmpty();
    }

    @Test
    void unreadableStatusIsReportedClearlyAndReplacedByNextPublish() throws Exception {
        writeRawStatus("stops", "{\"pipeline\":\"stops\",\"state\":\"runn".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> backend().readStatus("stops"))
                .isInstanceOf(StateCorruptedException.class)
                .hasMessageContaining("stops")
                .hasMessageContaining("not valid JSON");

        PipelineStatus status = fullStatus("stops");
        backend().publishStatus(status);
        assertThat(backend().readStatus("stops")).contains(status);
    }

    @Test
    void statusWithWrongFieldTypesIsReportedNamingTheField() throws Exception {
        writeRawStatus("stops", "{\"pipeline\":\"stops\",\"state\":\"running\",\"phaseIndex\":\"two\",\"version\":1}"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> backend().readStatus("stops"))
                .isInstanceOf(StateCorruptedException.class)
                .hasMessageContaining("phaseIndex");
    }

    // ---- concurrency ----------------------------------------------------------------------

    @Test
    void concurrentFuzzLosesNoUpdateUnderTheLease() throws Exception {
        int threads = 8;
        int acquisitionsPerThread = 25;
        String[] names = {"stops", "lines"};
        long[] counters = new long[names.length];
        int[] inside = new int[names.length];
        AtomicInteger overlaps = new AtomicInteger();
        Map<String, List<Long>> tokensByName = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                StateBackend b = open();
                String owner = "fuzz-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < acquisitionsPerThread; i++) {
                        int n = random.nextInt(names.length);
                        Lease lease = Leases.awaitAcquire(b, names[n], owner, LONG_TTL, Await.BOUND);
                        synchronized (tokensByName) {
                            tokensByName.computeIfAbsent(names[n], k -> new ArrayList<>()).add(lease.fencingToken());
                        }
                        if (++inside[n] != 1) {
                            overlaps.incrementAndGet();
                        }
                        long read = counters[n];
                        if (random.nextInt(4) == 0) {
                            Thread.yield();
                        }
                        counters[n] = read + 1;
                        inside[n]--;
                        lease.release();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(overlaps.get()).as("times two holders were inside at once").isZero();
        assertThat(counters[0] + counters[1]).isEqualTo((long) threads * acquisitionsPerThread);
        for (Map.Entry<String, List<Long>> e : tokensByName.entrySet()) {
            List<Long> tokens = e.getValue();
            for (int i = 1; i < tokens.size(); i++) {
                assertThat(tokens.get(i)).as("fence %d of %s", i, e.getKey()).isGreaterThan(tokens.get(i - 1));
            }
        }
    }

    // ---- export records ------------------------------------------------------------------

    @Test
    void exportRecordsRoundTripAndUpdate() throws Exception {
        Instant now = Instant.now();
        ExportRecord started = ExportRecord.started("exp-1", now, now.plus(Duration.ofHours(1)));
        backend().putExport("stops", started);
        assertThat(open().readExport("stops", "exp-1")).contains(started);

        ExportRecord progressed = started.withProgress(new Progress(10, 100));
        backend().putExport("stops", progressed);
        assertThat(backend().readExport("stops", "exp-1")).contains(progressed);

        ExportRecord done = progressed.completed(new ExportRecord.FileInfo(
                "exports/exp-1.csv", 1234, "a".repeat(64), 99));
        backend().putExport("stops", done);
        ExportRecord read = backend().readExport("stops", "exp-1").orElseThrow();
        assertThat(read).isEqualTo(done);
        assertThat(read.toJson()).isEqualTo(done.toJson());

        ExportRecord second = ExportRecord.started("exp-2", now.plusMillis(5), now.plus(Duration.ofHours(1)));
        backend().putExport("stops", second);
        assertThat(backend().listExports("stops")).extracting(ExportRecord::id).containsExactly("exp-1", "exp-2");
        assertThat(backend().listExports("lines")).isEmpty();
        assertThat(backend().readExport("lines", "exp-1")).isEmpty();

        backend().deleteExport("stops", "exp-1");
        backend().deleteExport("stops", "exp-1");
        assertThat(backend().readExport("stops", "exp-1")).isEmpty();
        assertThat(backend().listExports("stops")).extracting(ExportRecord::id).containsExactly("exp-2");
    }

    @Test
    void exportRecordsExpire() throws Exception {
        Instant now = Instant.now();
        ExportRecord shortLived = ExportRecord.started("short", now, now.plusMillis(300));
        backend().putExport("stops", shortLived);
        backend().putExport("stops", ExportRecord.started("long", now, now.plus(Duration.ofHours(1))));

        StateBackend b = backend();
        Await.until(() -> b.readExport("stops", "short").isEmpty(), "export record to expire");

        assertThat(Instant.now()).as("not expired before its time").isAfterOrEqualTo(shortLived.expiresAt());
        assertThat(backend().listExports("stops")).extracting(ExportRecord::id).containsExactly("long");
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A document with every field set. */
    protected static PipelineStatus fullStatus(String pipeline) {
        Instant t = Instant.parse("2026-11-23T02:00:00.123Z");
        return PipelineStatus.builder(pipeline)
                .runId("run-1").state(RunState.FAILED).trigger(Trigger.SCHEDULED).mode(RunMode.only("match", "import"))
                .phase("match").phaseIndex(1).phaseCount(2).message("Matched 12,000 of 50,000 stops \u00e9\u2713")
                .progress(new Progress(12_000, 50_000)).startedAt(t).phaseStartedAt(t.plusSeconds(5))
                .updatedAt(t.plusSeconds(81)).finishedAt(t.plusSeconds(82)).elapsedMs(81_234L).etaMs(40_200L)
                .nextRunAt(Instant.parse("2026-11-24T02:00:00Z")).lastSuccessAt(t.minusSeconds(86_400))
                .error(new RunError("match", "IOException", "source \"atlas\" unreachable")).build();
    }
}
