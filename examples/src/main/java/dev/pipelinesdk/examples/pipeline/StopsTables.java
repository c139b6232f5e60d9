package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.examples.stops.CountingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served tables of the stops pipeline and their safe replacement.
 *
 * <pre>
 * stop_matches (atlas_id text, osm_id bigint, distance_m double precision, method text)
 * stop_problems (atlas_id text, osm_id bigint, kind text, detail text)
 * stops_import_state (one row: the fence that last claimed the tables, the served run, its sources)
 * </pre>
 *
 * <p>An import {@link #claim claims} the tables with its run's fencing token (refused when a larger
 * token claimed them already), {@code COPY}s the results into staging tables named after its token,
 * then in one transaction checks that its token still holds the claim and renames the staging
 * tables into place. Readers see the old rows or the new rows, never a mix; a failure or a kill at
 * any point before the commit leaves the served data as it was, and the next import drops the
 * leftover staging tables.
 */
public final class StopsTables {
    private static final Logger log = LoggerFactory.getLogger(StopsTables.class);

    /** The served table of matches. */
    public static final String MATCHES = "stop_matches";
    /** The served table of problems. */
    public static final String PROBLEMS = "stop_problems";
    /** The table holding the import claim and what is served. */
    public static final String STATE = "stops_import_state";

    private static final long SCHEMA_LOCK = 0x73746f7073L; // "stops"
    private static final Pattern STAGING = Pattern.compile("(stop_matches|stop_problems)_f([0-9]+)");
    /** How long the swap waits for readers' locks before it gives up (the served data stays). */
    static final String LOCK_TIMEOUT = "30s";
    /** How long the swap may sit idle inside its transaction before the server rolls it back. */
    static final String IDLE_TIMEOUT = "60s";

    private StopsTables() {
    }

    /**
     * Creates the served tables when missing. Idempotent and safe to call from several processes
     * at once.
     *
     * @param dataSource the database
     * @throws SQLException when the database refuses
     */
    public static void ensureSchema(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                s.execute("CREATE TABLE IF NOT EXISTS " + MATCHES + " (atlas_id text NOT NULL, osm_id bigint NOT NULL,"
                        + " distance_m double precision, method text NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS " + MATCHES + "_atlas_id_idx ON " + MATCHES + " (atlas_id)");
                s.execute("CREATE TABLE IF NOT EXISTS " + PROBLEMS + " (atlas_id text, osm_id bigint, kind text NOT NULL,"
                        + " detail text)");
                s.execute("CREATE INDEX IF NOT EXISTS " + PROBLEMS + "_kind_idx ON " + PROBLEMS + " (kind)");
                s.execute("CREATE TABLE IF NOT EXISTS " + STATE + " (pipeline text PRIMARY KEY,"
                        + " claimed_fence bigint NOT NULL, served_fence bigint, run_id text, imported_at timestamptz,"
                        + " match_rows bigint, problem_rows bigint, sources text)");
                s.execute("ALTER TABLE " + STATE + " ADD COLUMN IF NOT EXISTS fence_domain text");
                s.execute("ALTER TABLE " + STATE + " ADD COLUMN IF NOT EXISTS settings text");
            }
            c.commit();
        }
    }

    /**
     * What is served now.
     *
     * @param runId      the run that imported it
     * @param fence      that run's fencing token
     * @param importedAt when it was swapped in
     * @param matchRows  rows in {@code stop_matches}
     * @param problemRows rows in {@code stop_problems}
     * @param sources    the sources it was computed from
     * @param settings   the matching settings it was computed with
     */
    public record Served(String runId, long fence, Instant importedAt, long matchRows, long problemRows,
                         SourceManifest sources, String settings) {
    }

    /**
     * A digest of what readers see: both served tables' row counts and an md5 of their rows, sorted
     * (so independent of the order rows were written in). Two complete imports of the same data
     * give the same digest; any half-imported state gives another. For tests and drills.
     *
     * @param c a connection to the database
     * @return {@code <match rows>:<md5>:<problem rows>:<md5>}
     * @throws SQLException when the database refuses (e.g. the tables do not exist yet)
     */
    public static String servedDigest(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM " + MATCHES + ") || ':' ||"
                     + " (SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM " + MATCHES + " t)"
                     + " || ':' || (SELECT count(*) FROM " + PROBLEMS + ") || ':' ||"
                     + " (SELECT coalesce(md5(string_agg(p::text, '|' ORDER BY p::text)), '') FROM " + PROBLEMS + " p)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * @param dataSource the database
     * @param pipeline   the pipeline's name
     * @return what the last successful import served, or empty when nothing was imported yet
     * @throws SQLException when the database refuses
     */
    public static Optional<Served> served(DataSource dataSource, String pipeline) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT run_id, served_fence, imported_at, match_rows,"
                     + " problem_rows, sources, settings FROM " + STATE + " WHERE pipeline = ? AND served_fence IS NOT NULL")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String sources = rs.getString(6);
                return Optional.of(new Served(rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
                        rs.getLong(4), rs.getLong(5),
                        sources == null ? null : SourceManifest.fromJson(sources, STATE + ".sources"), rs.getString(7)));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined table: nothing imported yet
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Claims the tables for a fencing token of a lease domain (the state backend that issued it).
     * Tokens are comparable only within one domain: when the domain changed (another state backend,
     * or its state moved), the claim passes to the new domain, with a warning.
     *
     * @throws StaleFenceException when a larger token of the same domain claimed them already
     */
    static void claim(DataSource dataSource, String pipeline, long fence, String domain) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Long claimed = null;
                String claimedDomain = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT claimed_fence, fence_domain FROM " + STATE
                        + " WHERE pipeline = ? FOR UPDATE")) {
                    ps.setString(1, pipeline);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            claimed = rs.getLong(1);
                            claimedDomain = rs.getString(2);
                        }
                    }
                }
                if (claimed == null) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + STATE
                            + " (pipeline, claimed_fence, fence_domain) VALUES (?, ?, ?) ON CONFLICT (pipeline) DO NOTHING")) {
                        ps.setString(1, pipeline);
                        ps.setLong(2, fence);
                        ps.setString(3, domain);
                        if (ps.executeUpdate() == 0) { // inserted by a concurrent claim since: decide again
                            c.rollback();
                            claim(dataSource, pipeline, fence, domain);
                            return;
                        }
                    }
                } else {
                    if (domain.equals(claimedDomain) && claimed > fence) {
                        throw new StaleFenceException(fence, claimed);
                    }
                    if (!domain.equals(claimedDomain)) {
                        log.warn("The served tables were last claimed by token {} of {}; this run's token {} comes from {}:"
                                + " tokens of different state backends cannot be compared, so the claim passes to {}",
                                claimed, claimedDomain, fence, domain, domain);
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + STATE
                            + " SET claimed_fence = ?, fence_domain = ? WHERE pipeline = ?")) {
                        ps.setLong(1, fence);
                        ps.setString(2, domain);
                        ps.setString(3, pipeline);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Drops staging tables left by imports that did not finish (tokens up to and including ours).
     *
     * @return the tables dropped
     */
    static List<String> dropLeftovers(DataSource dataSource, long fence) throws SQLException {
        List<String> dropped = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                         + " AND tablename ~ '^stop_(matches|problems)_f[0-9]+$'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                Matcher m = STAGING.matcher(name);
                if (m.matches() && Long.parseLong(m.group(2)) <= fence) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP TABLE IF EXISTS " + name);
                    }
                    dropped.add(name);
                }
            }
        }
        return dropped;
    }

    static String staging(String table, long fence) {
        return table + "_f" + fence;
    }

    /**
     * Creates a staging table like {@code table} and fills it from a CSV file with {@code COPY}.
     *
     * @param progress called with the bytes read so far
     * @return the rows copied
     */
    static long copyIn(DataSource dataSource, String table, long fence, String columns, Path csv, LongConsumer progress)
            throws SQLException, IOException {
        String staging = staging(table, fence);
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + staging);
                s.execute("CREATE TABLE " + staging + " (LIKE " + table + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            try (InputStream in = new CountingInputStream(Files.newInputStream(csv), progress);
                 Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
                return copy.copyIn("COPY " + staging + " (" + columns + ") FROM STDIN (FORMAT csv, HEADER true)", reader);
            }
        }
    }

    /** Builds the staging tables' indexes (named after the token) and their statistics. */
    static void index(DataSource dataSource, long fence) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX " + staging(MATCHES, fence) + "_atlas_id_idx ON " + staging(MATCHES, fence) + " (atlas_id)");
            s.execute("CREATE INDEX " + staging(PROBLEMS, fence) + "_kind_idx ON " + staging(PROBLEMS, fence) + " (kind)");
            s.execute("ANALYZE " + staging(MATCHES, fence));
            s.execute("ANALYZE " + staging(PROBLEMS, fence));
        }
    }

    /**
     * Swaps the staging tables into place in one transaction, if {@code fence} still holds the claim.
     *
     * @param beforeCommit runs inside the transaction just before the commit (a last cancellation check)
     * @throws StaleFenceException when a larger token claimed the tables since; nothing changes
     */
    static void swap(DataSource dataSource, String pipeline, long fence, String domain, String runId, long matchRows,
                     long problemRows, SourceManifest sources, String settings, Runnable beforeCommit) throws SQLException {
        Objects.requireNonNull(beforeCommit, "beforeCommit");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                    // readers wait while the swap holds its locks: a client that hangs inside it is cut off
                    s.execute("SET LOCAL idle_in_transaction_session_timeout = '" + IDLE_TIMEOUT + "'");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT claimed_fence, fence_domain FROM " + STATE
                        + " WHERE pipeline = ? FOR UPDATE")) {
                    ps.setString(1, pipeline);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException(STATE + " has no claim for " + pipeline);
                        }
                        long claimed = rs.getLong(1);
                        if (claimed != fence || !domain.equals(rs.getString(2))) {
                            throw new StaleFenceException(fence, claimed);
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    for (String[] t : new String[][] {{MATCHES, "atlas_id_idx"}, {PROBLEMS, "kind_idx"}}) {
                        String table = t[0];
                        String old = table + "_old_f" + fence;
                        s.execute("ALTER TABLE " + table + " RENAME TO " + old);
                        s.execute("ALTER TABLE " + staging(table, fence) + " RENAME TO " + table);
                        s.execute("DROP TABLE " + old);
                        s.execute("ALTER INDEX " + staging(table, fence) + "_" + t[1] + " RENAME TO " + table + "_" + t[1]);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + STATE + " SET served_fence = ?, run_id = ?,"
                        + " imported_at = ?, match_rows = ?, problem_rows = ?, sources = ?, settings = ? WHERE pipeline = ?")) {
                    ps.setLong(1, fence);
                    ps.setString(2, runId);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.setLong(4, matchRows);
                    ps.setLong(5, problemRows);
                    ps.setString(6, sources.toJson());
                    ps.setString(7, settings);
                    ps.setString(8, pipeline);
                    ps.executeUpdate();
                }
                beforeCommit.run();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
