package dev.pipelinesdk.core.jdbc.internal;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The run history's writes: a run's start and its final report. Not part of the API. */
public final class RunWrites {

    /** SQL for "the lease TTL from now by the database's clock", the TTL in seconds as parameter. */
    public static final String ALIVE_UNTIL = "now() + make_interval(secs => ?)";

    private static final String UPSERT_RUN = "INSERT INTO pipeline_runs AS r (run_id, pipeline, trigger, mode, outcome, "
            + "started_at, finished_at, duration_ms, fencing_token, owner, error_phase, error_type, error_message, "
            + "skip_reason, holder_run_id, alive_until, counters) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, CAST(? AS jsonb)) "
            + "ON CONFLICT (run_id) DO UPDATE SET pipeline = EXCLUDED.pipeline, "
            + "trigger = coalesce(EXCLUDED.trigger, r.trigger), mode = coalesce(EXCLUDED.mode, r.mode), "
            + "outcome = EXCLUDED.outcome, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, "
            + "duration_ms = EXCLUDED.duration_ms, "
            + "fencing_token = CASE WHEN EXCLUDED.fencing_token = 0 THEN r.fencing_token ELSE EXCLUDED.fencing_token END, "
            + "owner = coalesce(EXCLUDED.owner, r.owner), error_phase = EXCLUDED.error_phase, "
            + "error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message, "
            + "skip_reason = EXCLUDED.skip_reason, holder_run_id = EXCLUDED.holder_run_id, alive_until = NULL, "
            + "counters = EXCLUDED.counters "
            + "WHERE r.outcome IS NULL";

    private static final String INSERT_PHASE = "INSERT INTO pipeline_phase_runs (run_id, phase_index, phase, outcome, "
            + "started_at, finished_at, duration_ms, attempts, counters, error_type, error_message) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)";

    private RunWrites() {
    }

    /**
     * Inserts or completes a run's row and replaces its phase rows; the caller commits.
     *
     * @param c      a connection in a transaction
     * @param report the finished run
     * @return {@code false} when the run was recorded as finished before (nothing written)
     * @throws SQLException from the driver
     */
    public static boolean record(Connection c, RunReport report) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPSERT_RUN)) {
            int i = 0;
            s.setString(++i, report.runId());
            s.setString(++i, report.pipeline());
            RunRows.text(s, ++i, report.trigger() == null ? null : report.trigger().wireName());
            RunRows.text(s, ++i, report.mode() == null ? null : report.mode().toString());
            s.setString(++i, report.outcome().wireName());
            s.setObject(++i, RunRows.timestamp(report.startedAt()));
            s.setObject(++i, RunRows.timestamp(report.finishedAt()));
            s.setLong(++i, report.duration().toMillis());
            s.setLong(++i, report.fencingToken());
            RunRows.text(s, ++i, report.owner());
            RunRows.text(s, ++i, report.error() == null ? null : report.error().phase());
            RunRows.text(s, ++i, report.error() == null ? null : report.error().type());
            RunRows.text(s, ++i, report.error() == null ? null : report.error().message());
            RunRows.text(s, ++i, report.skipReason());
            RunRows.text(s, ++i, report.holderRunId());
            s.setString(++i, RunRows.json(report.counters()));
            if (s.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM pipeline_phase_runs WHERE run_id = ?");
                PreparedStatement insert = c.prepareStatement(INSERT_PHASE)) {
            delete.setString(1, report.runId());
            delete.executeUpdate();
            for (PhaseReport p : report.phases()) {
                int i = 0;
                insert.setString(++i, report.runId());
                insert.setInt(++i, p.index());
                insert.setString(++i, p.name());
                insert.setString(++i, RunRows.wire(p.outcome()));
                insert.setObject(++i, RunRows.timestamp(p.startedAt()));
                insert.setObject(++i, RunRows.timestamp(p.finishedAt()));
                insert.setLong(++i, p.duration().toMillis());
                insert.setInt(++i, p.attempts());
                insert.setString(++i, RunRows.json(p.counters()));
                RunRows.text(insert, ++i, p.error() == null ? null : p.error().type());
                RunRows.text(insert, ++i, p.error() == null ? null : p.error().message());
                insert.addBatch();
            }
            if (!report.phases().isEmpty()) {
                insert.executeBatch();
            }
        }
        return true;
    }

    /**
     * Inserts a running run's row unless the run id is known.
     *
     * @param c          a connection
     * @param run        the run
     * @param ttlSeconds how long it counts as alive from now
     * @return 1 when inserted, 0 when the run id was known
     * @throws SQLException from the driver
     */
    public static int started(Connection c, RunInfo run, double ttlSeconds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pipeline_runs (run_id, pipeline, trigger, mode, "
                + "started_at, fencing_token, owner, alive_until) VALUES (?, ?, ?, ?, ?, ?, ?, " + ALIVE_UNTIL + ") "
                + "ON CONFLICT (run_id) DO NOTHING")) {
            s.setString(1, run.runId());
            s.setString(2, run.pipeline());
            s.setString(3, run.trigger().wireName());
            s.setString(4, run.mode().toString());
            s.setObject(5, RunRows.timestamp(run.startedAt()));
            s.setLong(6, run.fencingToken());
            RunRows.text(s, 7, run.owner());
            s.setDouble(8, ttlSeconds);
            return s.executeUpdate();
        }
    }
}
