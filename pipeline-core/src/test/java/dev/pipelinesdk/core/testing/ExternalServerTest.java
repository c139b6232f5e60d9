package dev.pipelinesdk.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The harness pointed at a server given by URL (as with PIPELINE_TEST_DATABASE_URL), here a dedicated one. */
class ExternalServerTest {

    @Test
    void parse_splitsTheUrl_andKeepsCredentialsOutOfIt() {
        ExternalUrl url = ExternalUrl.parse("jdbc:postgresql://db:5433,db2:5434/admin?user=ci&password=s3cret&ssl=false",
                "VAR");

        assertThat(url).isEqualTo(new ExternalUrl("db:5433,db2:5434", "ssl=false", "ci", "s3cret", "admin"));
        assertThat(url.toString()).doesNotContain("s3cret");
        assertThat(ExternalUrl.parse("jdbc:postgresql://db/", "VAR").database()).isEqualTo("postgres");
        assertThatThrownBy(() -> ExternalUrl.parse("postgres://ci:s3cret@db/x", "VAR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid VAR 'postgres://ci:***@db/x': expected jdbc:postgresql://")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void serverGivenByUrl_createsDatabases_andDropsThemOnClose() throws Exception {
        try (PostgresServer local = PostgresServer.startDedicated()) {
            String url = local.jdbcUrl("postgres") + "?user=postgres&ApplicationName=external-test";
            PostgresServer external = PostgresServer.forUrl(url, "test");

            PostgresServer.Database db = external.newDatabase();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('application_name')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(db.name());
                assertThat(rs.getString(2)).as("parameters of the URL are kept").isEqualTo("external-test");
            }
            assertThat(db.jdbcUrl()).doesNotContain("user=");
            assertThatThrownBy(external::stop).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("startDedicated");

            external.close();

            try (Connection c = local.newDatabase().dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + db.name() + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("dropped on close").isZero();
            }
        }
    }
}
