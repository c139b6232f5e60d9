package dev.pipelinesdk.core.testing;

import static dev.pipelinesdk.embeddedpg.Sql.execute;
import static dev.pipelinesdk.embeddedpg.Sql.queryLong;
import static dev.pipelinesdk.embeddedpg.Sql.queryString;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test harness itself: a real server, isolated databases, and a dedicated server that survives restarts and kills. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PostgresServerTest {

    @Test
    void sharedServer_givesIsolatedFreshDatabases() throws Exception {
        PostgresServer server = PostgresServer.shared();
        PostgresServer.Database first = server.newDatabase();
        PostgresServer.Database second = server.newDatabase();

        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(PostgresServer.shared()).isSameAs(server);
        execute(first.dataSource(), "CREATE TABLE only_here (id int); INSERT INTO only_here VALUES (42)");

        assertThat(queryLong(first.dataSource(), "SELECT id FROM only_here")).isEqualTo(42);
        assertThat(queryString(first.dataSource(), "SELECT current_database()")).isEqualTo(first.name());
        assertThat(queryString(second.dataSource(), "SELECT current_database()")).isEqualTo(second.name());
        assertThat(queryString(second.dataSource(), "SELECT to_regclass('only_here')::text"))
                .as("the other database does not see the table").isNull();
        assertThat(first.jdbcUrl()).startsWith("jdbc:postgresql://").endsWith("/" + first.name());
    }

    @Test
    void dedicatedServer_keepsItsDataAcrossStopStartAndKill() throws Exception {
        try (PostgresServer server = PostgresServer.startDedicated()) {
            int port = server.port();
            PostgresServer.Database db = server.newDatabase();
            execute(db.dataSource(), "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> queryLong(db.dataSource(), "SELECT count(*) FROM kept"))
                    .isInstanceOf(SQLException.class);

            server.start();
            assertThat(server.port()).isEqualTo(port);
            execute(db.dataSource(), "INSERT INTO kept VALUES (2)");
            assertThat(queryLong(db.dataSource(), "SELECT count(*) FROM kept")).isEqualTo(2);

            server.kill();
            assertThat(server.isRunning()).isFalse();
            server.start();
            assertThat(queryLong(db.dataSource(), "SELECT sum(id) FROM kept")).as("committed rows survive a kill")
                    .isEqualTo(3);
        }
    }

    @Test
    void close_deletesTheDataDirectory() {
        PostgresServer server = PostgresServer.startDedicated();
        assertThat(server.dataDirectory().resolve("PG_VERSION")).exists();

        server.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(Files.exists(server.dataDirectory())).isFalse();
    }
}
