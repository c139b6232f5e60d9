package dev.pipelinesdk.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Parsing and masking of {@code REDIS_URL}. */
class RedisUrlTest {

    @Test
    void plainUrl_defaultsPortAndDatabase() {
        RedisUrl url = RedisUrl.parse("redis://localhost");

        assertThat(url.host()).isEqualTo("localhost");
        assertThat(url.port()).isEqualTo(6379);
        assertThat(url.database()).isZero();
        assertThat(url.tls()).isFalse();
        assertThat(url.hasPassword()).isFalse();
        assertThat(url.masked()).isEqualTo("redis://localhost:6379/0");
        assertThat(url.hostPort()).isEqualTo("localhost:6379");
    }

    @Test
    void passwordPortAndDatabase_areParsed_andThePasswordIsMasked() {
        RedisUrl url = RedisUrl.parse("redis://:s3cret-pw@cache.internal:6380/2");

        assertThat(url.hasPassword()).isTrue();
        assertThat(url.username()).isNull();
        assertThat(url.port()).isEqualTo(6380);
        assertThat(url.database()).isEqualTo(2);
        assertThat(url.masked()).isEqualTo("redis://:***@cache.internal:6380/2").doesNotContain("s3cret-pw");
        assertThat(url.toString()).isEqualTo(url.masked());
        assertThat(url.redact("ERR s3cret-pw is wrong; s3cret-pw again")).isEqualTo("ERR *** is wrong; *** again");
        assertThat(url.leaks("x s3cret-pw")).isTrue();
        assertThat(url.leaks("nothing here")).isFalse();

        RedisURI uri = url.toRedisUri(Duration.ofSeconds(3));
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.isSsl()).isFalse();
        assertThat(password(uri)).isEqualTo("s3cret-pw");
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rediss_setsTls_andPercentEncodedPasswordIsDecoded_andMaskedInBothForms() {
        RedisUrl url = RedisUrl.parse("rediss://:p%40ss%3Aw0rd@redis.example.com:6390/1");

        assertThat(url.tls()).isTrue();
        assertThat(url.masked()).isEqualTo("rediss://:***@redis.example.com:6390/1");
        assertThat(url.redact("a p@ss:w0rd b p%40ss%3Aw0rd")).isEqualTo("a *** b ***");
        RedisURI uri = url.toRedisUri(Duration.ofSeconds(1));
        assertThat(uri.isSsl()).isTrue();
        assertThat(password(uri)).isEqualTo("p@ss:w0rd");
    }

    @Test
    void aclUserAndPassword_areParsed() {
        RedisUrl url = RedisUrl.parse("redis://app-user:pw-123@10.0.0.5:7000");

        assertThat(url.username()).isEqualTo("app-user");
        assertThat(url.masked()).isEqualTo("redis://app-user:***@10.0.0.5:7000/0");
        RedisURI uri = url.toRedisUri(Duration.ofSeconds(1));
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().getUsername()).isEqualTo("app-user");
        assertThat(password(uri)).isEqualTo("pw-123");
    }

    @Test
    void unencodedAtAndSlashInThePassword_areTakenUpToTheLastAt() {
        RedisUrl url = RedisUrl.parse("redis://:p@ss/w:rd@host:1234/5");

        assertThat(url.host()).isEqualTo("host");
        assertThat(url.database()).isEqualTo(5);
        assertThat(password(url.toRedisUri(Duration.ofSeconds(1)))).isEqualTo("p@ss/w:rd");
        assertThat(url.masked()).isEqualTo("redis://:***@host:1234/5");
    }

    @Test
    void ipv6HostAndUpperCaseScheme_areAccepted() {
        RedisUrl url = RedisUrl.parse("REDIS://[::1]:6390/3");

        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.hostPort()).isEqualTo("[::1]:6390");
        assertThat(url.masked()).isEqualTo("redis://[::1]:6390/3");
    }

    @Test
    void emptyPassword_meansNoPassword() {
        RedisUrl url = RedisUrl.parse("redis://:@host");

        assertThat(url.hasPassword()).isFalse();
        assertThat(url.masked()).isEqualTo("redis://host:6379/0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://host|scheme must be redis:// or rediss://",
            "host:6379|scheme must be redis:// or rediss://",
            "redis://|host is missing",
            "redis://:6379|host is missing",
            "redis://host:0|port 0 is not in 1-65535",
            "redis://host:70000|port 70000 is not in 1-65535",
            "redis://host:abc|port 'abc' is not a non-negative number",
            "redis://host/x|database number 'x'",
            "redis://host/-1|database number '-1'",
            "redis://host?ssl=true|query parameters",
            "redis://ho st|'ho st' is not a host name",
            "redis://[::1|IPv6 host",
    })
    void badUrls_areRejectedNamingTheProblemAndTheAcceptedForms(String url, String problem) {
        assertThatThrownBy(() -> RedisUrl.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + url + "'")
                .hasMessageContaining(problem)
                .hasMessageContaining("redis://[[user]:password@]host[:port][/db]")
                .hasMessageContaining("rediss://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://s3cret-pw@host", "redis://user:@host", "http://:s3cret-pw@host"})
    void badUrlsWithUserInfo_neverShowThePassword(String url) {
        assertThatThrownBy(() -> RedisUrl.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("***@host")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void nullAndBlankUrls_areRejected() {
        assertThatThrownBy(() -> RedisUrl.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null").hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisUrl.parse("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void keyLayout_followsTheDesign() {
        RedisKeys keys = new RedisKeys("pipeline:");

        assertThat(keys.status("stops")).isEqualTo("pipeline:stops:status");
        assertThat(keys.lock("stops")).isEqualTo("pipeline:stops:lock");
        assertThat(keys.fence("stops")).isEqualTo("pipeline:stops:fence");
        assertThat(keys.events("stops")).isEqualTo("pipeline:stops:events");
        assertThat(keys.export("stops", "exp-1")).isEqualTo("pipeline:stops:export:exp-1");
        assertThat(keys.exportIndex("stops")).isEqualTo("pipeline:stops:exports");
        assertThat(keys.eventsPattern()).isEqualTo("pipeline:*:events");
        assertThat(keys.pipelineOfChannel("pipeline:stops:events")).contains("stops");
        assertThat(keys.pipelineOfChannel("pipeline:a:b:events")).isEmpty();
        assertThat(keys.pipelineOfChannel("pipeline::events")).isEmpty();
        assertThat(keys.pipelineOfChannel("other:stops:events")).isEmpty();
    }

    @Test
    void leaseKeys_areLockThenFence_inAFreshArrayEachTime_forAnyNumberOfPipelines() {
        RedisKeys keys = new RedisKeys("p:");

        String[] first = keys.lease("stops");
        first[0] = "changed by the caller";

        assertThat(keys.lease("stops")).containsExactly("p:stops:lock", "p:stops:fence");
        for (int i = 0; i < 1500; i++) { // past the memoized ones
            assertThat(keys.lease("pipe-" + i)).containsExactly("p:pipe-" + i + ":lock", "p:pipe-" + i + ":fence");
        }
        assertThat(keys.lease("pipe-1499")).containsExactly("p:pipe-1499:lock", "p:pipe-1499:fence");
    }

    private static String password(RedisURI uri) {
        return new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword());
    }
}
