package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Leases;
import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.redis.internal.LuaScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to the Redis backend: key layout, fences across data loss, scripts, life cycle. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisStateBackendTest {

    private static final Duration LONG_TTL = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;

    private static RedisServerProcess server;
    private final List<RedisStateBackend> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServerProcess.start(tmp.resolve("redis"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void flush() throws Exception {
        server.command("FLUSHALL");
    }

    @AfterEach
    void closeAll() {
        opened.forEach(RedisStateBackend::close);
    }

    private RedisStateBackend open() {
        return open(Clock.systemUTC());
    }

    private RedisStateBackend open(Clock clock) {
        RedisStateBackend b = RedisStateBackend.builder(server.url()).clock(clock).build();
        opened.add(b);
        return b;
    }

    private static String text(Object reply) {
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    @Test
    void keysFollowTheDocumentedLayout() throws Exception {
        RedisStateBackend backend = open();
        Lease lease = backend.tryAcquire("stops", "run-1", Duration.ofSeconds(30)).orElseThrow();
        PipelineStatus status = PipelineStatus.idle("stops");
        backend.publishStatus(status);
        Instant now = Instant.now();
        backend.putExport("stops", ExportRecord.started("exp-1", now, now.plus(Duration.ofHours(1))));

        try (RespConnection admin = server.admin()) {
            assertThat((byte[]) admin.call("GET", "pipeline:stops:status")).isEqualTo(status.toJson());
            assertThat(text(admin.call("GET", "pipeline:stops:lock"))).isEqualTo("run-1");
            assertThat((Long) admin.call("PTTL", "pipeline:stops:lock")).isBetween(1L, 30_000L);
            assertThat(text(admin.call("GET", "pipeline:stops:fence"))).isEqualTo(Long.toString(lease.fencingToken()));
            assertThat(text(admin.call("GET", "pipeline:stops:export:exp-1"))).contains("\"exp-1\"");
            assertThat((Long) admin.call("PTTL", "pipeline:stops:export:exp-1")).isBetween(3_500_000L, 3_600_000L);
            assertThat((List<?>) admin.call("ZRANGE", "pipeline:stops:exports", "0", "-1")).hasSize(1);
            assertThat((Long) admin.call("PTTL", "pipeline:stops:exports")).as("the index expires with its last record")
                    .isBetween(3_500_000L, 3_600_000L);
        }
        lease.release();
        assertThat(server.command("EXISTS", "pipeline:stops:lock")).isEqualTo(0L);
    }

    @Test
    void fencesKeepIncreasing_whenRedisLosesAllData() throws Exception {
        RedisStateBackend backend = open();
        Lease before = backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        before.release();
        server.command("FLUSHALL"); // as a restart without persistence would

        Lease after = backend.tryAcquire("stops", "owner-b", LONG_TTL).orElseThrow();

        assertThat(after.fencingToken()).isGreaterThan(before.fencingToken());
        assertThat(before.fencingToken()).as("server time in microseconds, exact below 2^53")
                .isGreaterThan(1_600_000_000_000_000L).isLessThan(1L << 53);
    }

    @Test
    void fenceCounterAheadOfTheClock_isStillIncremented() throws Exception {
        server.command("SET", "pipeline:stops:fence", "8000000000000000");

        Lease lease = open().tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();

        assertThat(lease.fencingToken()).isEqualTo(8_000_000_000_000_001L);
        assertThat(text(server.command("GET", "pipeline:stops:fence"))).isEqualTo("8000000000000001");
    }

    @Test
    void unreadableFenceCounter_isReportedNamingTheKey_andTakesNoLease() throws Exception {
        server.command("SET", "pipeline:stops:fence", "twelve");

        assertThatThrownBy(() -> open().tryAcquire("stops", "owner-a", LONG_TTL))
                .isInstanceOf(StateCorruptedException.class)
                .hasMessageContaining("pipeline:stops:fence")
                .hasMessageContaining("redis://127.0.0.1:" + server.port() + "/0")
                .hasMessageContaining("twelve");
        assertThat(server.command("EXISTS", "pipeline:stops:lock")).isEqualTo(0L);
    }

    @Test
    void failedOperations_nameWhatWasAttempted_forWhichPipeline_andWhere() throws Exception {
        RedisStateBackend backend = open();
        Lease lease = backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        for (String key : List.of("pipeline:stops:lock", "pipeline:stops:fence", "pipeline:stops:status")) {
            server.command("DEL", key);
            server.command("HSET", key, "f", "v"); // a GET of it, also in a script, now fails with WRONGTYPE
        }
        String where = " at redis://127.0.0.1:" + server.port() + "/0: Redis answered: ";

        assertThatThrownBy(lease::renew).isInstanceOf(StateBackendException.class)
                .hasMessageStartingWith("Could not renew the lease of 'stops'" + where)
                .hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(lease::release).isInstanceOf(StateBackendException.class)
                .hasMessageStartingWith("Could not release the lease of 'stops'" + where)
                .hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> backend.tryAcquire("stops", "owner-b", LONG_TTL))
                .isInstanceOf(StateBackendException.class)
                .hasMessageStartingWith("Could not acquire the lease of 'stops'" + where)
                .hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> backend.currentHolder("stops")).isInstanceOf(StateBackendException.class)
                .hasMessageStartingWith("Could not read the lease holder of 'stops'" + where + "WRONGTYPE");
        assertThatThrownBy(() -> backend.readStatus("stops")).isInstanceOf(StateBackendException.class)
                .hasMessageStartingWith("Could not read the status of 'stops'" + where + "WRONGTYPE");
    }

    @Test
    void scriptsFlushedFromTheServer_areSentAgain() throws Exception {
        RedisStateBackend backend = open();
        backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow().release();
        server.command("SCRIPT", "FLUSH");

        Lease lease = backend.tryAcquire("stops", "owner-b", LONG_TTL).orElseThrow();

        assertThat(lease.renew()).isTrue();
        assertThat((List<?>) server.command("SCRIPT", "EXISTS", LuaScripts.ACQUIRE.sha1(), LuaScripts.RENEW.sha1()))
                .asInstanceOf(InstanceOfAssertFactories.list(Long.class))
                .as("cached again by the EVAL fallback").containsExactly(1L, 1L);
    }

    @Test
    void close_releasesTheLeasesThisInstanceHolds() {
        RedisStateBackend first = open();
        first.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        first.tryAcquire("lines", "owner-a", LONG_TTL).orElseThrow().release();

        first.close();

        RedisStateBackend second = open();
        assertThat(second.currentHolder("stops")).isEmpty();
        assertThat(second.tryAcquire("stops", "owner-b", LONG_TTL)).isPresent();
    }

    @Test
    void oneInstance_isSafeToShareBetweenThreads() throws Exception {
        RedisStateBackend backend = open();
        int threads = 8;
        int rounds = 25;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "thread-" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Lease lease = Leases.awaitAcquire(backend, "stops", owner, LONG_TTL, Duration.ofSeconds(30));
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        backend.publishStatus(PipelineStatus.idle("stops"));
                        inside.decrementAndGet();
                        lease.release();
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(45, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(done.get()).isEqualTo(threads * rounds);
    }

    @Test
    void exportAlreadyExpiredByTheBackendsClock_isDeletedInsteadOfStored() throws Exception {
        Instant created = Instant.now();
        RedisStateBackend backend = open();
        backend.putExport("stops", ExportRecord.started("exp-1", created, created.plus(Duration.ofMinutes(30))));
        RedisStateBackend later = open(Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofHours(1)));

        later.putExport("stops", ExportRecord.started("exp-1", created, created.plus(Duration.ofMinutes(30))));

        assertThat(server.command("EXISTS", "pipeline:stops:export:exp-1")).isEqualTo(0L);
        assertThat(server.command("ZCARD", "pipeline:stops:exports")).isEqualTo(0L);
        assertThat(backend.listExports("stops")).isEmpty();
    }
}
