package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.embeddedpg.Sql;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A fresh database and generated sources for one test class of the stops pipeline. */
public final class StopsFixture {

    /** Stops generated for the tests: enough for every matching stage, fast on 2 cores. */
    public static final int STOPS = 3_000;
    public static final long SEED = 42L;

    public final PostgresServer.Database database;
    public final DataSource dataSource;

    public StopsFixture() {
        database = PostgresServer.shared().newDatabase();
        dataSource = database.dataSource();
        SchemaMigrations.migrate(dataSource);
    }

    /** Generates registry.csv, osm.json and truth.csv into {@code dir}. */
    public static Path generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        StopsGenerator.generate(dir, STOPS, SEED);
        return dir;
    }

    /** @return the served matches, read back from Postgres */
    public static List<Match> servedMatches(DataSource ds) throws SQLException {
        List<Match> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT atlas_id, osm_id, distance_m, method FROM stop_matches")) {
            while (rs.next()) {
                double d = rs.getDouble(3);
                out.add(new Match(rs.getString(1), rs.getLong(2), rs.wasNull() ? Double.NaN : d,
                        Match.Method.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT))));
            }
        }
        return out;
    }

    /** @return a digest of both served tables' rows (order-independent), to compare "before" and "after" */
    public static String servedDigest(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return StopsTables.servedDigest(c);
        }
    }

    public static long count(DataSource ds, String sql) throws SQLException {
        return Sql.queryLong(ds, sql);
    }
}
