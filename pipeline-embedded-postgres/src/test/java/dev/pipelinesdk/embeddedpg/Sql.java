package dev.pipelinesdk.embeddedpg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Small JDBC helpers for tests; shipped in this module's test-jar for the modules that run a server through it. */
public final class Sql {

    private Sql() {
    }

    /**
     * @param url      a JDBC URL
     * @param user     the user
     * @param password the password, or {@code null}
     * @return an unpooled data source with a 5 s connect timeout
     */
    public static PGSimpleDataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setConnectTimeout(5);
        return ds;
    }

    /**
     * @param ds  the database
     * @param sql statements to execute
     * @throws SQLException when the database refuses
     */
    public static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * @param ds  the database
     * @param sql a query whose first row's first column is a number
     * @return that number
     * @throws SQLException when the database refuses or the query has no row
     */
    public static long queryLong(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row: " + sql);
            }
            return rs.getLong(1);
        }
    }

    /**
     * @param ds  the database
     * @param sql a query whose first row's first column is text
     * @return that text
     * @throws SQLException when the database refuses or the query has no row
     */
    public static String queryString(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row: " + sql);
            }
            return rs.getString(1);
        }
    }
}
