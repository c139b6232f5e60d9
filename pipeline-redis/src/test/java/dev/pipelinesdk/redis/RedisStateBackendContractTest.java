package dev.pipelinesdk.redis;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StateBackendContractTest;
import dev.pipelinesdk.redis.internal.RedisConnections;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared backend contract, run against {@link RedisStateBackend} on a real redis-server started
 * for this class (flushed before each test, default key prefix), or on the server in
 * {@code PIPELINE_TEST_REDIS_URL} (nothing flushed: each test gets a key prefix of its own). Every
 * call of {@link #newBackend()} is a new instance with its own connections, like another process.
 */
class RedisStateBackendContractTest extends StateBackendContractTest {

    /** Environment variable: run the contract against this server instead of a local process. */
    static final String URL_ENV = "PIPELINE_TEST_REDIS_URL";

    @TempDir
    static Path dir;

    private static RedisServerProcess server;
    private static String url;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, byte[]> raw;

    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        String external = System.getenv(URL_ENV);
        if (external != null && !external.isBlank()) {
            url = external;
        } else {
            server = RedisServerProcess.start(dir.resolve("redis"));
            url = server.url();
        }
        rawClient = RedisClient.create(RedisURI.create(url));
        raw = rawClient.connect(RedisConnections.CODEC);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (rawClient != null) {
            rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshStorage() throws Exception {
        if (server != null) {
            server.command("FLUSHALL");
            prefix = "pipeline:";
        } else {
            prefix = "contract-" + UUID.randomUUID() + ":";
        }
    }

    @AfterEach
    void removeThisTestsKeys() {
        if (server == null) { // a shared server: leave nothing behind
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = raw.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    raw.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
    }

    @Override
    protected StateBackend newBackend() {
        return RedisStateBackend.builder(url).keyPrefix(prefix).build();
    }

    @Override
    protected void writeRawStatus(String pipeline, byte[] bytes) {
        raw.sync().set(prefix + pipeline + ":status", bytes);
    }

    @Override
    protected byte[] readRawStatus(String pipeline) {
        return raw.sync().get(prefix + pipeline + ":status");
    }
}
