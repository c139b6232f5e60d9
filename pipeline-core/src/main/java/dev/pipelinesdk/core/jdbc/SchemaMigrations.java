package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.core.internal.NodeId;
import dev.pipelinesdk.core.jdbc.internal.JdbcUrls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database schema of the Pipeline SDK (db-scheduler's {@code scheduled_tasks}, the run
 * history's {@code pipeline_runs} and {@code pipeline_phase_runs}), shipped as versioned SQL
 * scripts {@code dev/pipelinesdk/core/db/V<n>__<description>.sql} and applied by one explicit
 * step: {@link #migrate(DataSource)}. Applications and the scheduler never change the schema; they
 * call {@link #requireCurrent(DataSource)} at start-up. The tables live in the connection's
 * current schema ({@code search_path}); applied versions are recorded in
 * {@code pipeline_schema_history}.
 *
 * <pre>{@code
 * MigrationResult result = SchemaMigrations.migrate(dataSource); // e.g. the example's `migrate` command
 * }</pre>
 */
public final class SchemaMigrations {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    /** Where the scripts are on the class path. */
    static final String RESOURCE_DIRECTORY = "dev/pipelinesdk/core/db/";

    /** Every migration, in version order. A new script is added here and nowhere else. */
    static final List<String> MIGRATIONS = List.of(
            "V1__pipeline_sdk.sql",
            "V2__pipeline_jobs.sql",
            "V3__recovered_runs.sql");

    /** The schema version this library needs (and {@link #migrate} brings a database to). */
    public static final int LATEST_VERSION = MIGRATIONS.size();

    /** The table recording the applied versions. */
    public static final String HISTORY_TABLE = "pipeline_schema_history";

    /** The {@code pg_advisory_lock} key held while migrating ("pipeline" in ASCII). */
    static final long LOCK_KEY = 0x706970656c696e65L;

    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

    private SchemaMigrations() {
    }

    /**
     * Brings the schema to {@link #LATEST_VERSION}: applies each missing version in its own
     * transaction and records it. Idempotent, and safe when several processes call it at once
     * (they take turns on a PostgreSQL advisory lock; the later ones find nothing to do). Verifies
     * that versions applied earlier are byte-for-byte the scripts of this library. A database
     * already at a newer version (migrated by a newer release) is left as it is.
     *
     * @param dataSource the database
     * @return the versions applied now and the version afterwards
     * @throws SchemaMigrationException when the database cannot be reached, a script fails (its
     *     transaction is rolled back), or an applied script was changed afterwards
     */
    public static MigrationResult migrate(DataSource dataSource) {
        String where = JdbcUrls.describe(dataSource);
        List<Migration> migrations = load();
        try (Connection c = connect(dataSource, where, "migrate its schema")) {
            c.setAutoCommit(true);
            lock(c, where);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " (version int PRIMARY KEY, "
                            + "description text NOT NULL, checksum text NOT NULL, "
                            + "applied_at timestamp with time zone NOT NULL DEFAULT now(), applied_by text)");
                }
                Map<Integer, String> appliedChecksums = appliedChecksums(c);
                for (Migration m : migrations) {
                    String checksum = appliedChecksums.get(m.version());
                    if (checksum != null && !checksum.equals(m.checksum())) {
                        throw new SchemaMigrationException("Migration " + m.name() + " was changed after it was applied to "
                                + where + " (checksum in the database " + checksum + ", in this library " + m.checksum()
                                + "): restore the applied script and ship the change as a new migration");
                    }
                }
                List<Integer> appliedNow = new ArrayList<>();
                for (Migration m : migrations) {
                    if (!appliedChecksums.containsKey(m.version())) {
                        apply(c, m, where);
                        appliedNow.add(m.version());
                    }
                }
                int current = Math.max(LATEST_VERSION, appliedChecksums.keySet().stream().mapToInt(v -> v).max().orElse(0));
                if (current > LATEST_VERSION) {
                    log.info("Schema of {} is at version {}, newer than this library's {}; left as it is", where, current,
                            LATEST_VERSION);
                } else if (appliedNow.isEmpty()) {
                    log.info("Schema of {} is current (version {})", where, current);
                }
                return new MigrationResult(appliedNow, current);
            } finally {
                unlock(c);
            }
        } catch (SQLException e) {
            throw new SchemaMigrationException("Could not migrate the schema of " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param dataSource the database
     * @return the highest schema version applied, 0 when none (not migrated yet)
     * @throws SchemaMigrationException when the database cannot be reached or read
     */
    public static int currentVersion(DataSource dataSource) {
        String where = JdbcUrls.describe(dataSource);
        try (Connection c = connect(dataSource, where, "read its schema version")) {
            return currentVersion(c);
        } catch (SQLException e) {
            throw new SchemaMigrationException("Could not read the schema version of " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks at start-up that the schema is at least at {@link #LATEST_VERSION}, without changing it.
     *
     * @param dataSource the database
     * @throws SchemaMigrationException when the schema is older (naming both versions and the
     *     migrate step) or the database cannot be read
     */
    public static void requireCurrent(DataSource dataSource) {
        int current = currentVersion(dataSource);
        if (current < LATEST_VERSION) {
            throw new SchemaMigrationException("The database schema is at version " + current + ", this library needs "
                    + LATEST_VERSION + ": run the migrate step (SchemaMigrations.migrate / the example's `migrate` command)"
                    + " against " + JdbcUrls.describe(dataSource));
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + HISTORY_TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + HISTORY_TABLE)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<Integer, String> appliedChecksums(Connection c) throws SQLException {
        Map<Integer, String> applied = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, checksum FROM " + HISTORY_TABLE)) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    private static void apply(Connection c, Migration m, String where) throws SQLException {
        log.info("Applying migration {} to {}", m.name(), where);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
                PreparedStatement record = c.prepareStatement("INSERT INTO " + HISTORY_TABLE
                        + " (version, description, checksum, applied_at, applied_by) VALUES (?, ?, ?, now(), ?)")) {
            s.execute(m.sql());
            record.setInt(1, m.version());
            record.setString(2, m.description());
            record.setString(3, m.checksum());
            record.setString(4, NodeId.current());
            record.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback); // the connection is gone: the server rolls back
            }
            throw new SchemaMigrationException("Migration " + m.name() + " failed on " + where + " and was rolled back: "
                    + e.getMessage(), e);
        } finally {
            restoreAutoCommit(c);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("Could not restore auto-commit; the connection is closed next", e);
        }
    }

    private static void lock(Connection c, String where) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, LOCK_KEY);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        log.info("Waiting for another process migrating the schema of {}", where);
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            s.setLong(1, LOCK_KEY);
            s.execute();
        }
    }

    private static void unlock(Connection c) {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            s.setLong(1, LOCK_KEY);
            s.execute();
        } catch (SQLException e) {
            // the lock ends with the session; closing the connection releases it
            log.debug("Could not release the migration lock", e);
        }
    }

    static Connection connect(DataSource dataSource, String where, String purpose) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new SchemaMigrationException("Could not connect to " + where + " to " + purpose + ": " + e.getMessage(), e);
        }
    }

    /** @return every migration of {@link #MIGRATIONS}, read from the class path */
    static List<Migration> load() {
        List<Migration> out = new ArrayList<>();
        for (String name : MIGRATIONS) {
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                throw new IllegalStateException("Migration name '" + name + "' is not V<version>__<description>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (version != out.size() + 1) {
                throw new IllegalStateException("Migration " + name + " should be version " + (out.size() + 1));
            }
            String sql = read(RESOURCE_DIRECTORY + name).replace("\r\n", "\n");
            out.add(new Migration(version, m.group(2).replace('_', ' '), name, sql, sha256(sql)));
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Migration script " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read migration script " + resource + ": " + e, e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    /** One script: its version, description, file name, text (LF line ends) and SHA-256 of that text. */
    record Migration(int version, String description, String name, String sql, String checksum) {
    }
}
