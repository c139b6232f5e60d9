package dev.pipelinesdk.core.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcUrlsTest {

    @Test
    void mask_hidesPasswordParametersAndUserInfo() {
        assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=***&ssl=true");
        assertThat(JdbcUrls.mask("jdbc:postgresql://db/app?PASSWORD=s3cret")).isEqualTo("jdbc:postgresql://db/app?PASSWORD=***");
        assertThat(JdbcUrls.mask("jdbc:postgresql://db/app?sslpassword=k&password=p"))
                .isEqualTo("jdbc:postgresql://db/app?sslpassword=***&password=***");
        assertThat(JdbcUrls.mask("postgres://app:s3cret@db:5432/app")).isEqualTo("postgres://app:***@db:5432/app");
        assertThat(JdbcUrls.mask("jdbc:sqlserver://db;user=a;password=p;db=x")).isEqualTo("jdbc:sqlserver://db;user=a;password=***;db=x");
        assertThat(JdbcUrls.mask("jdbc:postgresql://db/app?user=app")).isEqualTo("jdbc:postgresql://db/app?user=app");
        assertThat(JdbcUrls.mask(null)).isNull();
    }

    @Test
    void describe_postgresDataSource_neverShowsThePassword() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://db:5432/app?password=fromurl");
        ds.setUser("app");
        ds.setPassword("s3cret");

        String described = JdbcUrls.describe(ds);

        assertThat(described).isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=***");
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setServerNames(new String[] {"a", "b"});
        plain.setPortNumbers(new int[] {5433, 5434});
        plain.setDatabaseName("app");
        assertThat(JdbcUrls.describe(plain)).isEqualTo("jdbc:postgresql://a:5433,b:5434/app");
    }

    @Test
    void describe_poolWithJdbcUrlGetter_usesItMasked() {
        assertThat(JdbcUrls.describe(new Pool())).isEqualTo("jdbc:postgresql://db/app?password=***");
        assertThat(JdbcUrls.describe(new Opaque())).isEqualTo("a " + Opaque.class.getName());
    }

    /** Looks like HikariCP's data source. */
    public static class Pool extends Opaque {
        /** @return the URL */
        public String getJdbcUrl() {
            return "jdbc:postgresql://db/app?password=s3cret";
        }
    }

    /** A data source that says nothing about where it connects. */
    public static class Opaque implements DataSource {
        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection getConnection(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return null;
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
