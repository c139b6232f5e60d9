package dev.pipelinesdk.embeddedpg;

import static dev.pipelinesdk.embeddedpg.Sql.dataSource;
import static dev.pipelinesdk.embeddedpg.Sql.execute;
import static dev.pipelinesdk.embeddedpg.Sql.queryLong;
import static dev.pipelinesdk.embeddedpg.Sql.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.embeddedpg.internal.Postmaster;
import dev.pipelinesdk.embeddedpg.internal.ServerUser;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/** A server on a data directory: initdb, password or trust, restarts, kill, and the errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedPostgresTest {

    private Path dir;
    private EmbeddedPostgres server;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = TempDirs.create("embedded-pg-test-");
    }

    @AfterEach
    void cleanUp() {
        if (server != null) {
            server.kill();
        }
        TempDirs.delete(dir);
    }

    @Test
    void withPassword_restartKeepsDataAndPort_andOnlyTheRightPasswordGetsIn() throws Exception {
        server = EmbeddedPostgres.builder(dir.resolve("data")).superuser("owner").password("s3cret pass")
                .stopWithJvm(false).build();
        server.start();
        int port = server.port();
        PGSimpleDataSource ds = dataSource(server.jdbcUrl("postgres"), "owner", "s3cret pass");
        execute(ds, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");

        assertThat(queryString(ds, "SELECT current_setting('listen_addresses')")).isEqualTo("127.0.0.1");
        assertThat(queryString(ds, "SELECT current_setting('fsync')")).as("durable by default").isEqualTo("on");
        assertThat(queryString(ds, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' LIMIT 1"))
                .isEqualTo("scram-sha-256");
        assertThatThrownBy(() -> queryLong(dataSource(server.jdbcUrl("postgres"), "owner", "wrong"), "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> queryLong(dataSource(server.jdbcUrl("postgres"), "owner", null), "SELECT 1"))
                .isInstanceOf(SQLException.class);
        assertThat(Files.getPosixFilePermissions(dir.resolve("data"))).hasSize(3).allMatch(p -> p.name()
                .startsWith("OWNER"));
        if (ServerUser.isRoot()) {
            assertThat(Files.getAttribute(dir.resolve("data"), "unix:uid")).isEqualTo(ServerUser.NOBODY);
        }

        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThat(dir.resolve("data/postmaster.pid")).doesNotExist();
        assertThatThrownBy(() -> queryLong(ds, "SELECT 1")).isInstanceOf(SQLException.class);

        server.start();
        assertThat(server.port()).isEqualTo(port);
        execute(ds, "INSERT INTO kept VALUES (2)");
        assertThat(queryLong(ds, "SELECT sum(id) FROM kept")).isEqualTo(3);

        EmbeddedPostgres other = EmbeddedPostgres.builder(dir.resolve("data")).password("s3cret pass").build();
        assertThatThrownBy(other::start).isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("already runs on " + dir.resolve("data"));
        assertThat(other.isRunning()).as("sees the server of its data directory").isTrue();
        other.stop();
        assertThat(server.isRunning()).as("stopped through another instance").isFalse();
    }

    @Test
    void withoutPassword_trustsLocalConnections_andKillKeepsCommittedRows() throws Exception {
        server = EmbeddedPostgres.builder(dir.resolve("data")).durable(false)
                .setting("synchronous_commit", "on").setting("application_name", "from-setting").build();
        server.start();
        PGSimpleDataSource ds = dataSource(server.jdbcUrl("postgres"), "postgres", null);
        execute(ds, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        assertThat(queryString(ds, "SELECT current_setting('fsync')")).isEqualTo("off");
        assertThat(queryString(ds, "SELECT current_setting('synchronous_commit')")).as("a setting overrides")
                .isEqualTo("on");
        assertThat(dir.resolve("data.log")).as("default log next to the data directory").exists();

        long postmaster = Postmaster.pidOf(dir.resolve("data")).orElseThrow();
        server.kill();

        assertThat(server.isRunning()).isFalse();
        assertThat(Postmaster.isAlive(postmaster)).isFalse();
        server.start();
        assertThat(queryLong(ds, "SELECT count(*) FROM kept")).as("recovered after the kill").isEqualTo(1);
    }

    @Test
    void afterAKill_aPidFileNamingAnotherLiveProcess_doesNotStopTheRestart() throws Exception {
        // a killed postmaster may linger as a zombie, or its pid may be reused: PostgreSQL itself
        // would refuse to start while that pid exists
        server = EmbeddedPostgres.builder(dir.resolve("data")).durable(false).setting("synchronous_commit", "on")
                .build();
        server.start();
        PGSimpleDataSource ds = dataSource(server.jdbcUrl("postgres"), "postgres", null);
        execute(ds, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)");
        server.kill();
        // owned by the server's user, so that PostgreSQL's own check (kill 0) sees it alive
        Process other = new ProcessBuilder(ServerUser.wrap(List.of("sleep", "60"))).start();
        try {
            Path pidFile = dir.resolve("data").resolve(Postmaster.PID_FILE);
            Files.writeString(pidFile, other.pid() + "\n" + dir.resolve("data") + "\n");

            server.start();

            assertThat(queryLong(ds, "SELECT sum(id) FROM kept")).isEqualTo(7);
            assertThat(Postmaster.pidOf(dir.resolve("data")).orElseThrow()).isNotEqualTo(other.pid());
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void watchdog_stopsTheServer_whenTheJvmThatStartedItIsKilled() throws Exception {
        long postmaster;
        try (ChildJvm child = ChildJvm.start(dir, List.of(), StartMain.class, dir.resolve("data").toString())) {
            postmaster = Long.parseLong(child.awaitLine("POSTMASTER ", Duration.ofSeconds(60)).substring(11));
            assertThat(Postmaster.isAlive(postmaster)).isTrue();
            child.kill();
        }
        Await.until(Duration.ofSeconds(30), "the server stops after its JVM died", () -> !Postmaster.isAlive(postmaster));
        assertThat(dir.resolve("data/postmaster.pid")).as("a clean (fast) shutdown").doesNotExist();
    }

    @Test
    void portTaken_failsNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server = EmbeddedPostgres.builder(dir.resolve("data")).port(taken.getLocalPort())
                    .startTimeout(Duration.ofSeconds(30)).build();

            assertThatThrownBy(server::start).isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is taken")
                    .hasMessageContaining("could not bind");
            assertThat(server.isRunning()).isFalse();
        }
    }

    @Test
    void unusableDataDirectory_failsNamingIt() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("notes.txt"), "not a cluster");
        server = EmbeddedPostgres.builder(data).build();

        assertThatThrownBy(server::start).isInstanceOf(EmbeddedPostgresException.class)
                .hasMessage("The data directory " + data + " is neither empty nor a PostgreSQL cluster (no PG_VERSION)");
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
    }

    @Test
    void builder_rejectsBadValues_namingThem() {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder(dir);
        assertThatThrownBy(() -> b.port(70000)).hasMessage("port must be 0 (free) or 1..65535, was 70000");
        assertThatThrownBy(() -> b.superuser("Robert'); DROP")).hasMessageContaining("was 'Robert'); DROP'");
        assertThatThrownBy(() -> b.password("")).hasMessageContaining("password must be non-empty");
        assertThatThrownBy(() -> b.setting("max connections", "1")).hasMessageContaining("was 'max connections'");
        assertThatThrownBy(() -> b.startTimeout(Duration.ZERO)).hasMessage("startTimeout must be positive, was PT0S");
        assertThat(b.build().toString()).doesNotContain("null").contains(dir.toString());
    }
}
