package dev.pipelinesdk.core.config;

import static dev.pipelinesdk.core.config.PipelineConfigTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseUrlTest {

    private static final String EXPECTED = "; expected jdbc:postgresql://host[:port]/database[?options],"
            + " postgres://user:password@host[:port]/database[?options] or postgresql://...";

    private static DatabaseUrl database(String url) {
        return PipelineConfig.from(Map.of("DATABASE_URL", url)).database().orElseThrow();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            jdbc:postgresql://db:5432/app                          | jdbc:postgresql://db:5432/app                     | -   | -
            jdbc:postgresql://db/app?sslmode=require&user=me@x.org | jdbc:postgresql://db/app?sslmode=require&user=me@x.org | - | -
            jdbc:postgresql://app:s3cret@db:5432/app               | jdbc:postgresql://db:5432/app                     | app | s3cret
            postgres://app:s3cret@db:5432/pipelines                | jdbc:postgresql://db:5432/pipelines               | app | s3cret
            postgresql://app:s3cret@db/pipelines?sslmode=require   | jdbc:postgresql://db/pipelines?sslmode=require    | app | s3cret
            POSTGRES://app:s3cret@db/pipelines                     | jdbc:postgresql://db/pipelines                    | app | s3cret
            postgres://app:p%40ss%2Fw%C3%B6rd@db/x                 | jdbc:postgresql://db/x                            | app | p@ss/wörd
            postgres://app:p@ss/w?rd@db:5432/x                     | jdbc:postgresql://db:5432/x                       | app | p@ss/w?rd
            postgres://app@db                                      | jdbc:postgresql://db/                             | app | -
            postgres://app:@db/x                                   | jdbc:postgresql://db/x                            | app | -
            postgres://db.internal:6543/x                          | jdbc:postgresql://db.internal:6543/x              | -   | -
            postgres://app:s3cret@[::1]:5433/x                     | jdbc:postgresql://[::1]:5433/x                    | app | s3cret
            postgres://app:s3cret@db1:5432,db2:5433/x              | jdbc:postgresql://db1:5432,db2:5433/x             | app | s3cret
            """)
    void databaseUrl_becomesJdbcUrlUserAndPassword(String url, String jdbcUrl, String user, String password) {
        DatabaseUrl db = database(url);

        assertThat(db.jdbcUrl()).isEqualTo(jdbcUrl);
        assertThat(db.user().orElse(null)).isEqualTo(user);
        assertThat(db.password().orElse(null)).isEqualTo(password);
        assertThat(db.toString()).doesNotContain("s3cret", "p@ss");
        assertThat(org.postgresql.Driver.parseURL(db.jdbcUrl(), null)).as("the driver reads it").isNotNull();
    }

    @Test
    void toString_masksThePasswordEverywhere() {
        assertThat(database("postgres://app:s3cret@db:5432/pipelines"))
                .hasToString("jdbc:postgresql://db:5432/pipelines (user app, password ***)");
        assertThat(database("postgres://app@db/x")).hasToString("jdbc:postgresql://db/x (user app)");
        assertThat(database("jdbc:postgresql://db/x?user=app&password=s3cret&ssl=true"))
                .hasToString("jdbc:postgresql://db/x?user=app&password=***&ssl=true");
        assertThat(PipelineConfig.from(Map.of("DATABASE_URL", "postgresql://app:s3cret@db/x")).toString())
                .contains("database=jdbc:postgresql://db/x (user app, password ***)").doesNotContain("s3cret");
    }

    @Test
    void equalByValue() {
        assertThat(database("postgres://app:s3cret@db:5432/x")).isEqualTo(database("postgresql://app:s3cret@db:5432/x"))
                .isNotEqualTo(database("postgresql://app:other@db:5432/x"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            mysql://root:s3cret@db/x            | DATABASE_URL="mysql://root:***@db/x" is not a PostgreSQL URL
            jdbc:mysql://db/x?password=s3cret   | DATABASE_URL="jdbc:mysql://db/x?password=***" is not a PostgreSQL URL
            db.internal:5432/x                  | DATABASE_URL="db.internal:5432/x" is not a PostgreSQL URL
            postgres://app:s3cret@/x            | DATABASE_URL="postgres://app:***@/x" has no host
            postgres://app:s3cret@db:99999/x    | DATABASE_URL="postgres://app:***@db:99999/x" has a port that is not a number in 1-65535
            postgres://app:s3cret@db:pg/x       | DATABASE_URL="postgres://app:***@db:pg/x" has a port that is not a number in 1-65535
            postgres://app:s3cret@d%b/x         | DATABASE_URL="postgres://app:***@d%b/x" has a host that is not a name or an [IPv6] address
            postgres://app:s3cr%zzet@db/x       | DATABASE_URL="postgres://app:***@db/x" has a '%' in the password that is not followed by two hex digits (write %25 for a literal '%')
            postgres://app:s3cret%ff@db/x       | DATABASE_URL="postgres://app:***@db/x" has percent-escapes in the password that are not UTF-8
            postgres://:s3cret@db/x             | DATABASE_URL="postgres://:***@db/x" has a password but no user name
            jdbc:postgresql://u:s3/cret@db/x    | DATABASE_URL="jdbc:postgresql://u:***@db/x" has a port that is not a number in 1-65535
            """)
    void databaseUrl_badValue_isOneLineWithThePasswordMasked(String url, String start) {
        String message = failure(Map.of("DATABASE_URL", url), "DATABASE_URL");

        assertThat(message).isEqualTo(start + EXPECTED).doesNotContain("s3cret", "s3cr", "cret");
    }
}
