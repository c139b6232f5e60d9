package dev.pipelinesdk.benchmarks.stops;

import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.examples.pipeline.StopsTables;
import dev.pipelinesdk.examples.stops.CountingInputStream;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.examples.stops.StopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Issue 8, {@code import}: one million match rows into PostgreSQL by the example's import path
 * ({@code COPY ... FROM STDIN} through PgJDBC), against {@code psql \copy} and against batched JDBC
 * {@code INSERT}s of the same rows.
 */
public final class ImportBenchmark implements Benchmark {
    static final int ROWS = 1_000_000;
    static final int ROUNDS = 3;
    static final int BATCH = 1000;
    static final String COLUMNS = "atlas_id, osm_id, distance_m, method";
    static final String PSQL = "/usr/bin/psql";

    @Override
    public String id() {
        return "import";
    }

    @Override
    public String title() {
        return "Import: 1 000 000 rows into PostgreSQL";
    }

    @Override
    public String method() {
        return "A matches file of " + String.format(Locale.ROOT, "%,d", ROWS) + " synthetic rows (sloid-like"
                + " `atlas_id`, `osm_id`, a distance with the shortest round-trip digits, a method) is written by"
                + " `StopFiles.writeMatches`, exactly as the match phase writes it. Each round loads it three"
                + " ways into a fresh table created as the import's staging table is (`CREATE TABLE ... (LIKE"
                + " stop_matches INCLUDING DEFAULTS INCLUDING CONSTRAINTS)` after `StopsTables.ensureSchema`;"
                + " no index during the load): **subject** — the import's `StopsTables.copyIn` reproduced"
                + " statement for statement (it is package-private): PgJDBC `CopyManager.copyIn(\"COPY t (" + COLUMNS
                + ") FROM STDIN (FORMAT csv, HEADER true)\", reader)` over a `CountingInputStream` of the file;"
                + " **baseline 1** — `psql -c \"\\copy t (...) FROM 'file' WITH (FORMAT csv, HEADER true)\"` as a"
                + " child process (its start and connection included, a few ms); **baseline 2** — PgJDBC batched"
                + " `INSERT` (one prepared statement, batch " + BATCH + ", autocommit off, one commit; default"
                + " driver settings, i.e. no `reWriteBatchedInserts`), the rows parsed from the same file"
                + " beforehand (parsing not timed). Timed: from opening the connection (or starting psql) to the"
                + " committed load; table creation is not timed. " + ROUNDS + " rounds, the order of the three"
                + " rotating every round, after one warm-up of the two COPY paths; every load's row count is"
                + " checked; ratios are per round, shown as median (min–max).";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        PostgresServer.Database db = env.database();
        DataSource ds = db.dataSource();
        StopsTables.ensureSchema(ds);
        Path csv = env.scratch().resolve("import").resolve("matches.csv");
        Files.createDirectories(csv.getParent());
        StopFiles.writeMatches(csv, syntheticMatches());
        List<Match> rows = StopFiles.readMatches(csv);
        long bytes = Files.size(csv);

        Loader copy = table -> copyLikeImport(ds, table, csv);
        Loader psql = table -> psqlCopy(db, table, csv);
        Loader insert = table -> batchedInsert(ds, table, rows);
        Loader[] loaders = {copy, psql, insert};
        time(ds, copy, "warm");
        time(ds, psql, "warm");
        double[][] ns = new double[3][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int j = 0; j < 3; j++) {
                int which = (r + j) % 3;
                ns[which][r] = time(ds, loaders[which], "r" + r + "_" + which);
            }
        }
        double[] copyVsPsql = new double[ROUNDS];
        double[] insertVsCopy = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            copyVsPsql[r] = ns[0][r] / ns[1][r];
            insertVsCopy[r] = ns[2][r] / ns[0][r];
        }
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(id(), "import COPY / psql \\copy", ratio(copyVsPsql), "≤ 1.5×", median(copyVsPsql) <= 1.5,
                String.format(Locale.ROOT, "import COPY %.2f s, psql \\copy %.2f s (medians); %,d rows, %.0f MiB CSV",
                        median(ns[0]) / 1e9, median(ns[1]) / 1e9, ROWS, bytes / (1024.0 * 1024.0))));
        figures.add(new Figure(id(), "batched INSERT / import COPY", ratio(insertVsCopy), "≥ 5×",
                median(insertVsCopy) >= 5,
                String.format(Locale.ROOT, "batched INSERT %.2f s (median), i.e. import COPY is %.1f× faster",
                        median(ns[2]) / 1e9, median(insertVsCopy))));
        return figures;
    }

    @FunctionalInterface
    private interface Loader {
        void load(String table) throws Exception;
    }

    /** Creates a fresh table (untimed), times one load into it, checks the rows, drops it. */
    private static double time(DataSource ds, Loader loader, String suffix) throws Exception {
        String table = "bench_import_" + suffix;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (LIKE " + StopsTables.MATCHES + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
        }
        long start = System.nanoTime();
        loader.load(table);
        long ns = System.nanoTime() - start;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                if (rs.getLong(1) != ROWS) {
                    throw new IllegalStateException(table + " holds " + rs.getLong(1) + " rows, expected " + ROWS);
                }
            }
            s.execute("DROP TABLE " + table);
        }
        return ns;
    }

    /** What {@code StopsTables.copyIn} does after creating its staging table. */
    private static void copyLikeImport(DataSource ds, String table, Path csv) throws SQLException, IOException {
        try (Connection c = ds.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            try (InputStream in = new CountingInputStream(Files.newInputStream(csv), read -> { });
                 Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                copy.copyIn("COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT csv, HEADER true)", reader);
            }
        }
    }

    private static void psqlCopy(PostgresServer.Database db, String table, Path csv) throws Exception {
        URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        String path = uri.getPath().substring(1);
        List<String> cmd = new ArrayList<>(List.of(PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", uri.getHost(), "-p", Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort()), "-d", path,
                "-c", "\\copy " + table + " (" + COLUMNS + ") FROM '" + csv.toAbsolutePath() + "' WITH (FORMAT csv, HEADER true)"));
        if (db.user() != null) {
            cmd.add("-U");
            cmd.add(db.user());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (db.password() != null) {
            pb.environment().put("PGPASSWORD", db.password());
        }
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("psql \\copy into " + table + " failed: " + output.strip());
        }
    }

    private static void batchedInsert(DataSource ds, String table, List<Match> rows) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?)")) {
                int pending = 0;
                for (Match m : rows) {
                    ps.setString(1, m.atlasId());
                    ps.setLong(2, m.osmId());
                    if (Double.isNaN(m.distanceMetres())) {
                        ps.setNull(3, Types.DOUBLE);
                    } else {
                        ps.setDouble(3, m.distanceMetres());
                    }
                    ps.setString(4, m.method().wireName());
                    ps.addBatch();
                    if (++pending == BATCH) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    ps.executeBatch();
                }
            }
            c.commit();
        }
    }

    /** Rows shaped like real matches: sloids, node ids, distances with a few decimals, all three methods. */
    private static List<Match> syntheticMatches() {
        SplittableRandom rnd = new SplittableRandom(8);
        Match.Method[] methods = Match.Method.values();
        List<Match> out = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            String sloid = "ch:1:sloid:" + (1000 + i) + (i % 7 == 0 ? ":" + (i % 5) : "");
            double distance = i % 500 == 0 ? Double.NaN : Math.abs(rnd.nextGaussian()) * 12.0;
            out.add(new Match(sloid, 1_000_000_000L + rnd.nextLong(9_000_000_000L), distance, methods[i % methods.length]));
        }
        return out;
    }

    private static String ratio(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
