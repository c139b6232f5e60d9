package dev.pipelinesdk.benchmarks.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.benchmarks.drill.RestartDrill.Disruption;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short restart drill: 3 worker processes run the stops pipeline through
 * {@code PipelineScheduler} (every second, plus triggers) while Redis or PostgreSQL is restarted in the middle of
 * runs, in the two safe Redis configurations and with both kinds of PostgreSQL restart. The safety
 * checks do not depend on timing: intervals are bounded by events logged while the lease was held;
 * the recovery bound ({@link RestartDrill#RECOVERY_BOUND}) is generous.
 */
class RestartDrillTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration EVERY = Duration.ofSeconds(1);
    private static final Duration TRIGGER = Duration.ofMillis(500);

    @TempDir
    static Path scratch;
    static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.startDedicated();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void redisAofKilledAndPostgresRestarted_midRun_schedulerResumes_noOverlap_nothingHalfServed() throws Exception {
        RestartDrill.Settings s = new RestartDrill.Settings("aof-and-postgres", "Redis (AOF always) and PostgreSQL",
                List.of(Disruption.REDIS_KILL, Disruption.POSTGRES_KILL, Disruption.POSTGRES_STOP), 3, false, TTL,
                EVERY, TRIGGER, 3, 5L);
        try (RedisServerProcess redis = RedisServerProcess.startAppendOnly(scratch.resolve("redis-aof"))) {
            DrillResult r = RestartDrill.run(prepare(s), "redis", redis.url(), s, redis, postgres);
            assertSafe(r, s);
        }
    }

    @Test
    void redisWithoutPersistenceDownForOneTtl_midRun_schedulerResumes_noOverlap_nothingHalfServed() throws Exception {
        RestartDrill.Settings s = new RestartDrill.Settings("volatile-ttl", "Redis (no persistence), down one TTL",
                List.of(Disruption.REDIS_KILL_DOWN_TTL), 2, false, TTL, EVERY, TRIGGER, 3, 6L);
        try (RedisServerProcess redis = RedisServerProcess.start(scratch.resolve("redis-volatile"))) {
            DrillResult r = RestartDrill.run(prepare(s), "redis", redis.url(), s, redis, postgres);
            assertSafe(r, s);
        }
    }

    private static FaultDrill prepare(RestartDrill.Settings s) throws Exception {
        return FaultDrill.prepare(scratch.resolve(s.key()), postgres.newDatabase());
    }

    private static void assertSafe(DrillResult r, RestartDrill.Settings s) {
        System.out.println(r.summary());
        RestartFigures f = r.restarts();
        assertThat(f.restarts()).as("restarts done").isEqualTo(s.restarts());
        assertThat(f.restartsByKind()).as("restarts by kind").containsOnlyKeys(
                s.disruptions().stream().map(Enum::name).toList());
        assertThat(r.runs()).as("runs started").isGreaterThan(s.restarts());
        assertThat(r.overlaps()).as("overlapping work intervals").isZero();
        assertThat(r.fencesMonotonic()).as("fencing tokens strictly increase in start order").isTrue();
        assertThat(f.imports()).as("runs that imported").isPositive();
        assertThat(f.importFencesIncreasing()).as("tokens of the imports strictly increase in import order").isTrue();
        assertThat(f.servedFenceIsLatest()).as("the served tables come from the import with the largest token")
                .isTrue();
        assertThat(f.notRecovered()).as("restarts after which no run succeeded within the bound").isZero();
        // runs that ended while PostgreSQL was down: their reports waited in the runner and were recorded later
        assertThat(f.historyGapRunIds()).as("ended runs whose outcome the history lacks").isEmpty();
        assertThat(r.servedReads()).as("served reads").isPositive();
        assertThat(r.badServedReads()).as("served reads neither the reference nor empty").isZero();
        assertThat(r.servedAtEnd()).as("served tables equal the reference at the end").isTrue();
        assertThat(r.otherOutcomes()).as("runs away from any outage that did not succeed, and worker exits")
                .isEmpty();
        assertThat(f.hitOutcomes()).as("runs hit by an outage that never ended").doesNotContainKey("no-end-line");
        assertThat(r.passed()).as("verdict").isTrue();
    }
}
