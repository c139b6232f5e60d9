package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder rejects bad values naming them; building connects nothing. */
class RedisStateBackendBuilderTest {

    @Test
    void build_connectsNothing_andDescribesTheMaskedUrl() {
        // nothing listens on this address: building must not try to connect
        try (RedisStateBackend backend = RedisStateBackend.builder("rediss://:s3cret-pw@127.0.0.1:1/4")
                .keyPrefix("myapp:pipelines:").connectTimeout(Duration.ofMillis(200)).commandTimeout(Duration.ofSeconds(1))
                .build()) {
            assertThat(backend.description()).isEqualTo("rediss://:***@127.0.0.1:1/4");
            assertThat(backend.toString()).contains("rediss://:***@127.0.0.1:1/4").doesNotContain("s3cret-pw");
            assertThat(backend.keyPrefix()).isEqualTo("myapp:pipelines:");
        }
    }

    @Test
    void badUrl_isRejectedWithTheAcceptedForms() {
        assertThatThrownBy(() -> RedisStateBackend.builder("localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'localhost:6379'")
                .hasMessageContaining("redis://[[user]:password@]host[:port][/db]");
        assertThatThrownBy(() -> RedisStateBackend.open("redis://s3cret-pw@host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void badKeyPrefix_isRejectedNamingIt() {
        RedisStateBackend.Builder b = RedisStateBackend.builder("redis://localhost");
        assertThatThrownBy(() -> b.keyPrefix("has space:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'has space:'");
        assertThatThrownBy(() -> b.keyPrefix("glob*:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'glob*:'");
        assertThatThrownBy(() -> b.keyPrefix("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("''");
        assertThatThrownBy(() -> b.keyPrefix(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void badTimeouts_areRejectedNamingTheValue() {
        RedisStateBackend.Builder b = RedisStateBackend.builder("redis://localhost");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.commandTimeout(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commandTimeout").hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> b.commandTimeout(Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT1H");
        assertThatThrownBy(() -> b.commandTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closedBackend_failsClearly_andCloseIsIdempotent() {
        RedisStateBackend backend = RedisStateBackend.open("redis://127.0.0.1:1");
        backend.close();
        backend.close();

        assertThatThrownBy(() -> backend.readStatus("stops"))
                .isInstanceOf(dev.pipelinesdk.api.StateBackendException.class)
                .hasMessageContaining("closed").hasMessageContaining("redis://127.0.0.1:1/0");
        assertThatThrownBy(() -> backend.tryAcquire("stops", "owner-a", Duration.ofSeconds(30)))
                .isInstanceOf(dev.pipelinesdk.api.StateBackendException.class)
                .hasMessage("Could not acquire the lease of 'stops': the Redis state backend for"
                        + " redis://127.0.0.1:1/0 is closed");
    }

    @Test
    void unreachableServer_failureNamesTheOperationAndThePipeline() {
        try (RedisStateBackend backend = RedisStateBackend.builder("redis://127.0.0.1:1")
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            assertThatThrownBy(() -> backend.tryAcquire("stops", "owner-a", Duration.ofSeconds(30)))
                    .isInstanceOf(dev.pipelinesdk.api.StateBackendException.class)
                    .hasMessageStartingWith("Could not connect to Redis at 127.0.0.1:1 (database 0) to acquire the"
                            + " lease of 'stops': ");
        }
    }
}
