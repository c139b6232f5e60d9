package dev.pipelinesdk.benchmarks.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short fault drill: 30 runs per backend by 3 worker processes, half of them picked to be
 * SIGKILLed while they hold the run. No check depends on timing: intervals are bounded by events
 * logged while the lease was held, and the counts are compared with what really happened.
 */
class FaultDrillTest {
    private static final FaultDrill.Settings SHORT = new FaultDrill.Settings(30, 0.5, Duration.ofSeconds(2), 3, 11L);

    @TempDir
    static Path scratch;
    static FaultDrill drill;
    static RedisServerProcess redis;

    @BeforeAll
    static void prepare() throws Exception {
        drill = FaultDrill.prepare(scratch, PostgresServer.shared().newDatabase());
        redis = RedisServerProcess.start(scratch.resolve("redis"));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void killedRedisRuns_neverOverlap_areRecordedAbandoned_andNeverServeHalfImports() throws Exception {
        assertSafe(drill.run("redis", redis.url(), SHORT));
    }

    @Test
    void killedFileRuns_neverOverlap_areRecordedAbandoned_andNeverServeHalfImports() throws Exception {
        assertSafe(drill.run("file", scratch.resolve("file-state").toString(), SHORT));
    }

    private static void assertSafe(DrillResult r) {
        System.out.println(r.summary());
        assertThat(r.runs()).as("runs started").isGreaterThanOrEqualTo(SHORT.runs());
        assertThat(r.kills()).as("runs killed while holding the lease").isPositive();
        assertThat(r.abandonedExpected()).as("kills that landed in a phase").isPositive();
        assertThat(r.overlaps()).as("overlapping work intervals").isZero();
        assertThat(r.fencesMonotonic()).as("fencing tokens strictly increase in start order").isTrue();
        assertThat(r.abandonedRecorded()).as("killed runs recorded ABANDONED by the next holder")
                .isEqualTo(r.abandonedExpected());
        // killed after the last phase (the final status may be out): recorded too, from its final status
        assertThat(r.afterPhasesRecorded()).as("runs killed after their last phase that the history holds")
                .isEqualTo(r.killsByPhase().getOrDefault("after-phases", 0)
                        + r.killsByPhase().getOrDefault("before-phases", 0));
        assertThat(r.servedReads()).as("served reads").isPositive();
        assertThat(r.badServedReads()).as("served reads neither the reference nor empty").isZero();
        assertThat(r.servedAtEnd()).as("served tables equal the reference at the end").isTrue();
        assertThat(r.otherOutcomes()).as("worker processes that exited on their own")
                .doesNotContainKey("worker-exits");
    }
}
