package dev.pipelinesdk.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.examples.pipeline.StopsFixture;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same service with {@code STATE_BACKEND=redis}: the lease and the status live in a real, password-protected redis-server. */
class CliRedisTest {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path cwd;

    private RedisServerProcess redis;
    private StopsFixture fixture;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        redis = RedisServerProcess.start(cwd.resolve("redis"), "s3cret-redis-pw");
        fixture = new StopsFixture();
        env = CliTestSupport.env(fixture.database, StopsFixture.generate(cwd.resolve("sources")));
        env.put("STATE_BACKEND", "redis");
        env.put("REDIS_URL", redis.url());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void runsSkipsAndExcludesThroughRedis() throws Exception {
        CliTestSupport.Result first = CliTestSupport.run(env, cwd, "run");
        assertThat(first.code()).as("%s", first).isZero();
        JsonNode status = new ObjectMapper().readTree(CliTestSupport.run(env, cwd, "status", "--json").out());
        assertThat(status.get("state").asText()).isEqualTo("succeeded");
        assertThat(cwd.resolve("pipeline-data/state")).as("nothing in the file backend").doesNotExist();

        assertThat(CliTestSupport.run(env, cwd, "run").out()).contains("skipped");

        try (ChildJvm holder = ChildJvm.start(cwd, cwd, env, List.of("-Xmx256m"), HookedCli.class, "run", "--force")) {
            holder.awaitLine(HookedCli.AT_SWAP, BOUND);
            CliTestSupport.Result second = CliTestSupport.run(env, cwd, "run");
            assertThat(second.code()).as("%s", second).isEqualTo(ExitCodes.ALREADY_RUNNING);
            Files.createFile(cwd.resolve(HookedCli.RELEASE));
            assertThat(holder.awaitExit(BOUND)).as(holder.diagnostics()).isZero();
        }
    }

    @Test
    void anUnreachableRedisExits69WithoutThePassword() throws Exception {
        env.put("REDIS_URL", "redis://:s3cret-redis-pw@127.0.0.1:" + RedisServerProcess.freePort());
        CliTestSupport.Result r = CliTestSupport.run(env, cwd, "status");

        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("s3cret-redis-pw").contains("127.0.0.1");
    }
}
