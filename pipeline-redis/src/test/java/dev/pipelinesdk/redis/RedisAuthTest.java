package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackendException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A password-protected server ({@code --requirepass}, and an ACL user): right, missing and wrong credentials. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisAuthTest {

    private static final String PASSWORD = "s3cret-Pa55-x9";
    private static final String WRONG = "wrong-pass-123";
    private static final String ACL_USER = "pipeline-app";
    private static final String ACL_PASSWORD = "acl-pw-777";

    @TempDir
    static Path tmp;

    private static RedisServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServerProcess.start(tmp.resolve("redis"), PASSWORD);
        server.command("ACL", "SETUSER", ACL_USER, "on", ">" + ACL_PASSWORD, "~*", "&*", "+@all");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String url(String userInfo) {
        return "redis://" + userInfo + "127.0.0.1:" + server.port();
    }

    @Test
    void passwordInTheUrl_works_andIsMaskedInTheDescription() throws Exception {
        try (RedisStateBackend backend = RedisStateBackend.open(url(":" + PASSWORD + "@"))) {
            Lease lease = backend.tryAcquire("stops", "owner-a", Duration.ofMinutes(1)).orElseThrow();
            LinkedBlockingQueue<PipelineStatus> received = new LinkedBlockingQueue<>();
            try (StatusSubscription subscription = backend.subscribe("stops", received::add)) {
                assertThat(subscription.channel()).isEqualTo("pipeline:stops:events");
                backend.publishStatus(PipelineStatus.idle("stops"));
                assertThat(received.poll(10, TimeUnit.SECONDS)).as("pub/sub connection authenticated too")
                        .isEqualTo(PipelineStatus.idle("stops"));
            }
            lease.release();
            assertThat(backend.description()).isEqualTo("redis://:***@127.0.0.1:" + server.port() + "/0");
        }
    }

    @Test
    void noPassword_failsWithAClearAuthenticationError() {
        try (RedisStateBackend backend = RedisStateBackend.open(url(""))) {
            assertThatThrownBy(() -> backend.tryAcquire("stops", "owner-a", Duration.ofMinutes(1)))
                    .isInstanceOf(StateBackendException.class)
                    .hasMessageContaining("Redis at 127.0.0.1:" + server.port() + " rejected the connection")
                    .hasMessageContaining("authentication failed")
                    .hasMessageContaining("REDIS_URL has none");
        }
    }

    @Test
    void wrongPassword_failsClearly_andNeverShowsThePassword() {
        try (RedisStateBackend backend = RedisStateBackend.open(url(":" + WRONG + "@"))) {
            StateBackendException e = catchThrowableOfType(StateBackendException.class,
                    () -> backend.readStatus("stops"));

            assertThat(e).hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("authentication failed (check the password in REDIS_URL)");
            assertThat(stackTrace(e)).doesNotContain(WRONG);
            assertThat(backend.description()).doesNotContain(WRONG);
            assertThatThrownBy(() -> backend.subscribe("stops", s -> { }))
                    .isInstanceOf(StateBackendException.class).hasMessageContaining("authentication failed");
        }
    }

    @Test
    void aclUserAndPassword_work_andAWrongOneFails() {
        try (RedisStateBackend backend = RedisStateBackend.open(url(ACL_USER + ":" + ACL_PASSWORD + "@"))) {
            assertThat(backend.tryAcquire("stops", "owner-acl", Duration.ofMinutes(1))).isPresent();
            assertThat(backend.description()).isEqualTo("redis://" + ACL_USER + ":***@127.0.0.1:" + server.port() + "/0");
        }
        try (RedisStateBackend backend = RedisStateBackend.open(url(ACL_USER + ":" + WRONG + "@"))) {
            StateBackendException e = catchThrowableOfType(StateBackendException.class,
                    () -> backend.currentHolder("stops"));
            assertThat(e).hasMessageContaining("user name and password");
            assertThat(stackTrace(e)).doesNotContain(WRONG);
        }
    }

    @Test
    void evenDebugLogs_neverContainAPassword() throws Exception {
        // a separate JVM logging everything at debug level, Lettuce included
        try (ChildJvm child = ChildJvm.start(tmp, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"),
                RedisLeaseHammer.class, "auth", url(":" + PASSWORD + "@"), url(":" + WRONG + "@"), url(""))) {
            assertThat(child.awaitExit(Duration.ofSeconds(45))).as("exit code%s", child.diagnostics()).isZero();
            List<String> out = child.stdout();
            assertThat(out).as("%s", child.diagnostics()).anyMatch(l -> l.startsWith("OK redis://:***@"));
            assertThat(out).as("%s", child.diagnostics())
                    .filteredOn(l -> l.startsWith("FAILED ")).hasSize(2)
                    .allMatch(l -> l.contains("authentication failed"));
            assertThat(child.stderr()).as("debug log").contains("DEBUG").doesNotContain(PASSWORD).doesNotContain(WRONG);
            assertThat(String.join("\n", out)).doesNotContain(PASSWORD).doesNotContain(WRONG);
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
