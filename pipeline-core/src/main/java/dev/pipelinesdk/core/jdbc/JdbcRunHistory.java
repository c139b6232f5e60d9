package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.core.internal.Checks;
import dev.pipelinesdk.core.jdbc.internal.JdbcUrls;
import dev.pipelinesdk.core.jdbc.internal.RunRows;
import dev.pipelinesdk.core.jdbc.internal.RunWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run history in PostgreSQL ({@code pipeline_runs}, {@code pipeline_phase_runs}), shared by
 * every process that runs or shows the pipelines. It does not create or migrate the tables: run
 * {@link SchemaMigrations#migrate} first (a missing table fails with a message saying so).
 *
 * <p>A run appears as an {@link ActiveRun} from {@link #runStarted} until it is {@link #record
 * recorded}, as long as its process keeps calling {@link #runAlive}; liveness is judged by the
 * database's clock, so processes on different machines agree. Finished runs are
 * {@link RunReport}s; times are kept to the microsecond.
 *
 * <p>Each call takes a connection from the data source and returns it: give it a pooled data
 * source in production. Thread-safe. Every database failure is a {@link RunHistoryException}
 * naming the operation and the database (password masked).
 *
 * <pre>{@code
 * SchemaMigrations.migrate(dataSource);                       // once, by the migrate step
 * JdbcRunHistory history = JdbcRunHistory.create(dataSource);
 * PipelineRunner runner = PipelineRunner.builder(backend).history(history).build();
 * }</pre>
 */
public final class JdbcRunHistory implements RunHistory {
    private static final Logger log = LoggerFactory.getLogger(JdbcRunHistory.class);

    /** How many recent successful runs phase statistics come from, unless set on the builder. */
    public static final int DEFAULT_TYPICAL_SAMPLE = 10;

    private static final String SUCCEEDED = RunOutcome.SUCCEEDED.wireName();

    private static final String ALIVE_UNTIL = RunWrites.ALIVE_UNTIL;

    private static final String ACTIVE = "SELECT " + RunRows.ACTIVE_COLUMNS + " FROM pipeline_runs "
            + "WHERE outcome IS NULL AND alive_until > now() ";

    private static final String MICROS = "extract(epoch FROM p.finished_at - p.started_at) * 1000000";

    private static final String PHASE_STATISTICS = "WITH last_runs AS (SELECT run_id FROM pipeline_runs "
            + "WHERE pipeline = ? AND outcome = '" + SUCCEEDED + "' ORDER BY started_at DESC, run_id DESC LIMIT ?) "
            + "SELECT p.phase, count(*), "
            + "percentile_cont(0.5) WITHIN GROUP (ORDER BY " + MICROS + "), "
            + "percentile_cont(0.9) WITHIN GROUP (ORDER BY " + MICROS + "), "
            + "min(" + MICROS + "), max(" + MICROS + ") "
            + "FROM pipeline_phase_runs p JOIN last_runs l ON l.run_id = p.run_id "
            + "WHERE p.outcome = '" + SUCCEEDED + "' GROUP BY p.phase ORDER BY min(p.phase_index), p.phase";

    private final DataSource dataSource;
    private final String where;
    private final int typicalSample;

    private JdbcRunHistory(Builder b) {
        this.dataSource = b.dataSource;
        this.where = JdbcUrls.describe(b.dataSource);
        this.typicalSample = b.typicalSample;
    }

    /**
     * @param dataSource the database, already migrated ({@link SchemaMigrations#migrate})
     * @return a history with the defaults; connects only when used
     */
    public static JdbcRunHistory create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * @param dataSource the database, already migrated ({@link SchemaMigrations#migrate})
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** @return how many recent successful runs phase statistics come from */
    public int typicalSample() {
        return typicalSample;
    }

    /**
     * Records a finished run and its phases in one statement (one round trip, atomic). A row left by {@link #runStarted}
     * is completed (keeping its owner, trigger, mode and fencing token where the report has none,
     * as an {@link RunOutcome#ABANDONED} report rebuilt from a status document may not); a run
     * already recorded as finished is left as it is (idempotent), unless another run wrote that
     * record for it (an {@code ABANDONED} report, or one {@link #recordIfUnrecorded recovered}
     * from its final status) and this is the run's own report: it replaces that.
     *
     * @throws RunHistoryException when the database fails
     */
    @Override
    public void record(RunReport report) {
        Objects.requireNonNull(report, "report");
        boolean recorded = committed("record run " + report.runId() + " of '" + report.pipeline() + "'",
                c -> RunWrites.record(c, report));
        if (!recorded) {
            log.debug("Run {} of '{}' was recorded before; ignoring its report", report.runId(), report.pipeline());
        }
    }

    /**
     * Completes the row of a run that never recorded its report from a report rebuilt from its
     * final status, marking it recovered; adds the row when it is missing (the run's start never
     * reached the database) and the run ended within the last day (older rows may have been
     * deleted by {@link #deleteOlderThan} on purpose). A later {@link #record} of the run's own
     * report replaces it.
     *
     * @throws RunHistoryException when the database fails
     */
    @Override
    public boolean recordIfUnrecorded(RunReport fromStatus) {
        Objects.requireNonNull(fromStatus, "fromStatus");
        return committed("recover run " + fromStatus.runId() + " of '" + fromStatus.pipeline() + "'",
                c -> RunWrites.recover(c, fromStatus)) > 0;
    }

    /**
     * Inserts the run as running, alive for {@code leaseTtl} from now by the database's clock.
     * Does nothing when the run id is already in the history.
     *
     * @throws RunHistoryException when the database fails
     */
    @Override
    public void runStarted(RunInfo run, Duration leaseTtl) {
        Objects.requireNonNull(run, "run");
        double ttlSeconds = seconds(leaseTtl, "leaseTtl");
        committed("record the start of run " + run.runId() + " of '" + run.pipeline() + "'",
                c -> RunWrites.started(c, run, ttlSeconds));
    }

    /**
     * Extends a running run's liveness to {@code leaseTtl} from now by the database's clock. Does
     * nothing for a run that is unknown or already recorded as finished.
     *
     * @throws RunHistoryException when the database fails
     */
    @Override
    public void runAlive(String runId, Duration leaseTtl) {
        Objects.requireNonNull(runId, "runId");
        double ttlSeconds = seconds(leaseTtl, "leaseTtl");
        int updated = committed("extend the liveness of run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE pipeline_runs SET alive_until = " + ALIVE_UNTIL
                    + " WHERE run_id = ? AND outcome IS NULL")) {
                s.setDouble(1, ttlSeconds);
                s.setString(2, runId);
                return s.executeUpdate();
            }
        });
        if (updated == 0) {
            log.debug("Run {} is not running in the history; liveness not extended", runId);
        }
    }

    /**
     * @return the finished run with its phases; empty while it runs or when unknown
     * @throws RunHistoryException when the database fails
     */
    @Override
    public Optional<RunReport> find(String runId) {
        Objects.requireNonNull(runId, "runId");
        List<RunReport> found = inConnection("find run " + runId, c -> RunRows.reports(c, "SELECT " + RunRows.RUN_COLUMNS
                + " FROM pipeline_runs WHERE run_id = ? AND outcome IS NOT NULL", List.of(runId)));
        return found.stream().findFirst();
    }

    /**
     * @return the pipeline's newest finished runs (by start time), at most {@code limit}; empty
     *     when {@code limit < 1}
     * @throws RunHistoryException when the database fails
     */
    @Override
    public List<RunReport> recent(String pipeline, int limit) {
        Objects.requireNonNull(pipeline, "pipeline");
        if (limit < 1) {
            return List.of();
        }
        return inConnection("read the recent runs of '" + pipeline + "'", c -> RunRows.reports(c, "SELECT " + RunRows.RUN_COLUMNS
                + " FROM pipeline_runs WHERE pipeline = ? AND outcome IS NOT NULL "
                + "ORDER BY started_at DESC, run_id DESC LIMIT ?", List.of(pipeline, limit)));
    }

    /**
     * @param query which runs
     * @return the newest finished runs (by start time) that match, with their phases
     * @throws RunHistoryException when the database fails
     */
    public List<RunReport> recent(RunQuery query) {
        Objects.requireNonNull(query, "query");
        StringBuilder sql = new StringBuilder("SELECT " + RunRows.RUN_COLUMNS + " FROM pipeline_runs WHERE outcome IS NOT NULL");
        List<Object> params = new ArrayList<>();
        query.pipeline().ifPresent(p -> {
            sql.append(" AND pipeline = ?");
            params.add(p);
        });
        query.outcome().ifPresent(o -> {
            sql.append(" AND outcome = ?");
            params.add(o.wireName());
        });
        sql.append(" ORDER BY started_at DESC, run_id DESC LIMIT ?");
        params.add(query.limit());
        return inConnection("read runs (" + query + ")", c -> RunRows.reports(c, sql.toString(), params));
    }

    /**
     * @param pipeline the pipeline's name
     * @return its newest run that is running and alive (see {@link ActiveRun})
     * @throws RunHistoryException when the database fails
     */
    public Optional<ActiveRun> activeRun(String pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        List<ActiveRun> runs = inConnection("read the active run of '" + pipeline + "'",
                c -> RunRows.active(c, ACTIVE + "AND pipeline = ? ORDER BY started_at DESC, run_id DESC LIMIT 1", pipeline));
        return runs.stream().findFirst();
    }

    /**
     * @return every run that is running and alive, by pipeline name, newest first within a pipeline
     * @throws RunHistoryException when the database fails
     */
    public List<ActiveRun> activeRuns() {
        return inConnection("read the active runs", c -> RunRows.active(c, ACTIVE + "ORDER BY pipeline, started_at DESC, run_id DESC",
                null));
    }

    /**
     * @return for each phase, the median duration over the phase's successes in the last
     *     {@link #typicalSample()} successful runs, in phase order (empty when none)
     * @throws RunHistoryException when the database fails
     */
    @Override
    public Map<String, Duration> typicalPhaseDurations(String pipeline) {
        Map<String, Duration> medians = new LinkedHashMap<>();
        phaseStatistics(pipeline).forEach(s -> medians.put(s.phase(), s.median()));
        return medians;
    }

    /**
     * @param pipeline the pipeline's name
     * @return for each phase, in phase order, its figures over its successes in the pipeline's last
     *     {@link #typicalSample()} successful runs (empty when there are none)
     * @throws RunHistoryException when the database fails
     */
    public List<PhaseStats> phaseStatistics(String pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        return inConnection("read the phase statistics of '" + pipeline + "'", c -> {
            try (PreparedStatement s = c.prepareStatement(PHASE_STATISTICS)) {
                s.setString(1, pipeline);
                s.setInt(2, typicalSample);
                List<PhaseStats> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PhaseStats(rs.getString(1), rs.getInt(2), micros(rs.getDouble(3)),
                                micros(rs.getDouble(4)), micros(rs.getDouble(5)), micros(rs.getDouble(6))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Retention: deletes the finished runs (and their phases) that finished more than {@code age}
     * ago by the database's clock. Running runs are never deleted.
     *
     * @param age how old a finished run may get (≥ 0)
     * @return how many runs were deleted
     * @throws RunHistoryException when the database fails
     */
    public int deleteOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isNegative()) {
            throw new IllegalArgumentException("age must not be negative, was " + age);
        }
        double seconds = age.getSeconds() + age.getNano() / 1e9;
        int deleted = committed("delete runs older than " + age, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM pipeline_runs WHERE outcome IS NOT NULL "
                    + "AND finished_at < now() - make_interval(secs => ?)")) {
                s.setDouble(1, seconds);
                return s.executeUpdate();
            }
        });
        log.info("Deleted {} runs that finished more than {} ago from the run history at {}", deleted, age, where);
        return deleted;
    }

    @Override
    public String toString() {
        return "JdbcRunHistory[" + where + "]";
    }

    private static Duration micros(double micros) {
        return Duration.ofNanos(Math.round(micros) * 1000);
    }

    private static double seconds(Duration ttl, String what) {
        Objects.requireNonNull(ttl, what);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + ttl);
        }
        return ttl.getSeconds() + ttl.getNano() / 1e9;
    }

    /** Work on a connection. */
    private interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T inConnection(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** One statement's work, committed when the connection is not in auto-commit mode. */
    private <T> T committed(String what, SqlWork<T> work) {
        return inConnection(what, c -> {
            boolean autoCommit = c.getAutoCommit();
            try {
                T result = work.apply(c);
                if (!autoCommit) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    try {
                        c.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                }
                throw e;
            }
        });
    }

    private RunHistoryException failure(String what, SQLException e) {
        String state = e.getSQLState();
        String hint = "42P01".equals(state) || "42703".equals(state)
                ? " (the schema is missing or out of date: run SchemaMigrations.migrate first)" : "";
        return new RunHistoryException("Could not " + what + " in the run history at " + where + ": " + e.getMessage()
                + hint, e);
    }

    /** Builds a {@link JdbcRunHistory}; every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private int typicalSample = DEFAULT_TYPICAL_SAMPLE;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param runs how many recent successful runs phase statistics and typical phase durations
         *             come from, {@code 1..1000} (default {@value JdbcRunHistory#DEFAULT_TYPICAL_SAMPLE})
         * @return this
         * @throws IllegalArgumentException when out of range
         */
        public Builder typicalSample(int runs) {
            this.typicalSample = Checks.within("typicalSample", runs, 1, 1000);
            return this;
        }

        /** @return the history; it connects only when used */
        public JdbcRunHistory build() {
            return new JdbcRunHistory(this);
        }
    }
}
