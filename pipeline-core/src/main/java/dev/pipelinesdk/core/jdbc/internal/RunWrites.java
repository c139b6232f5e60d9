package dev.pipelinesdk.core.jdbc.internal;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The run history's writes: a run's start and its final report. Not part of the API. */
public final class RunWrites {

    /** SQL for "the lease TTL from now by the database's clock", the TTL in seconds as parameter. */
    public static final String ALIVE_UNTIL = "now() + make_interval(secs => ?)";

    /**
     * A run's row inserted or completed (only while it has no outcome) and its phase rows inserted,
     * in one statement: atomic without a transaction around it, and one round trip. The phases
     * come as parallel arrays; the result is (run rows written, phase rows written).
     */
    private static final String RECORD = "WITH run AS (INSERT INTO pipeline_runs AS r (run_id, pipeline, trigger, mode, "
            + "outcome, started_at, finished_at, duration_ms, fencing_token, owner, error_phase, error_type, "
            + "error_message, skip_reason, holder_run_id, alive_until, counters, recovered) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, CAST(? AS jsonb), ?) "
            + "ON CONFLICT (run_id) DO UPDATE SET pipeline = EXCLUDED.pipeline, "
            + "trigger = coalesce(EXCLUDED.trigger, r.trigger), mode = coalesce(EXCLUDED.mode, r.mode), "
            + "outcome = EXCLUDED.outcome, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, "
            + "duration_ms = EXCLUDED.duration_ms, "
            + "fencing_token = CASE WHEN EXCLUDED.fencing_token = 0 THEN r.fencing_token ELSE EXCLUDED.fencing_token END, "
            + "owner = coalesce(EXCLUDED.owner, r.owner), error_phase = EXCLUDED.error_phase, "
            + "error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message, "
            + "skip_reason = EXCLUDED.skip_reason, holder_run_id = EXCLUDED.holder_run_id, alive_until = NULL, "
            + "counters = EXCLUDED.counters, recovered = EXCLUDED.recovered "
            + "WHERE r.outcome IS NULL OR (r.recovered AND NOT EXCLUDED.recovered) RETURNING run_id), "
            + "phases AS (INSERT INTO pipeline_phase_runs (run_id, phase_index, phase, outcome, started_at, "
            + "finished_at, duration_ms, attempts, counters, error_type, error_message) "
            + "SELECT run.run_id, p.phase_index, p.phase, p.outcome, CAST(p.started_at AS timestamptz), "
            + "CAST(p.finished_at AS timestamptz), p.duration_ms, p.attempts, CAST(p.counters AS jsonb), "
            + "p.error_type, p.error_message FROM run CROSS JOIN unnest(CAST(? AS int[]), CAST(? AS text[]), "
            + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS int[]), "
            + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS p(phase_index, phase, outcome, started_at, "
            + "finished_at, duration_ms, attempts, counters, error_type, error_message) RETURNING 1) "
            + "SELECT (SELECT count(*) FROM run), (SELECT count(*) FROM phases)";

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private RunWrites() {
    }

    /**
     * Inserts or completes a run's row and inserts its phase rows, in one statement (atomic on
     * its own; in a transaction when the connection is not in auto-commit mode, and then the
     * caller commits). A run recorded as finished before is left as it is, unless another run
     * wrote that record for it (an {@code ABANDONED} report, or one {@link #recover recovered}
     * from its final status): the run's own report replaces that.
     *
     * @param c      a connection
     * @param report the finished run
     * @return {@code false} when the run was recorded as finished before (nothing written)
     * @throws SQLException from the driver
     */
    public static boolean record(Connection c, RunReport report) throws SQLException {
        List<PhaseReport> phases = report.phases();
        int n = phases.size();
        Integer[] index = new Integer[n];
        String[] name = new String[n];
        String[] outcome = new String[n];
        String[] started = new String[n];
        String[] finished = new String[n];
        Long[] durationMs = new Long[n];
        Integer[] attempts = new Integer[n];
        String[] counters = new String[n];
        String[] errorType = new String[n];
        String[] errorMessage = new String[n];
        for (int k = 0; k < n; k++) {
            PhaseReport p = phases.get(k);
            index[k] = p.index();
            name[k] = RunRows.clean(p.name());
            outcome[k] = RunRows.wire(p.outcome());
            started[k] = ISO.format(RunRows.timestamp(p.startedAt()));
            finished[k] = ISO.format(RunRows.timestamp(p.finishedAt()));
            durationMs[k] = p.duration().toMillis();
            attempts[k] = p.attempts();
            counters[k] = RunRows.json(p.counters());
            errorType[k] = p.error() == null ? null : RunRows.clean(p.error().type());
            errorMessage[k] = p.error() == null ? null : RunRows.clean(p.error().message());
        }
        try (PreparedStatement s = c.prepareStatement(RECORD)) {
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
            i = errorAndSkip(s, i, report);
            RunRows.text(s, ++i, report.holderRunId());
            s.setString(++i, RunRows.json(report.counters()));
            s.setBoolean(++i, report.outcome() == RunOutcome.ABANDONED); // another run's judgement: replaceable
            s.setArray(++i, c.createArrayOf("int4", index));
            s.setArray(++i, c.createArrayOf("text", name));
            s.setArray(++i, c.createArrayOf("text", outcome));
            s.setArray(++i, c.createArrayOf("text", started));
            s.setArray(++i, c.createArrayOf("text", finished));
            s.setArray(++i, c.createArrayOf("int8", durationMs));
            s.setArray(++i, c.createArrayOf("int4", attempts));
            s.setArray(++i, c.createArrayOf("text", counters));
            s.setArray(++i, c.createArrayOf("text", errorType));
            s.setArray(++i, c.createArrayOf("text", errorMessage));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** How old a run's end may be for a report rebuilt from its status to add a row that is missing. */
    public static final String RECOVER_WINDOW = "1 day";

    private static final String RECOVER = "WITH upd AS (UPDATE pipeline_runs SET outcome = ?, finished_at = ?, "
            + "duration_ms = ?, error_phase = ?, error_type = ?, error_message = ?, skip_reason = ?, alive_until = NULL, "
            + "recovered = true WHERE run_id = ? AND outcome IS NULL RETURNING 1), "
            + "ins AS (INSERT INTO pipeline_runs (run_id, pipeline, trigger, mode, outcome, started_at, finished_at, "
            + "duration_ms, error_phase, error_type, error_message, skip_reason, recovered) "
            + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true "
            + "WHERE NOT EXISTS (SELECT 1 FROM pipeline_runs WHERE run_id = ?) "
            + "AND CAST(? AS timestamptz) > now() - interval '" + RECOVER_WINDOW + "' "
            + "ON CONFLICT (run_id) DO NOTHING RETURNING 1) "
            + "SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins)";

    /**
     * Completes the row of a run that never recorded its report, from what its final status says,
     * marked recovered; adds the row when it is missing (its start was never recorded) and the run
     * ended within {@value #RECOVER_WINDOW} (older rows may have been deleted by retention on
     * purpose). Leaves a recorded run alone.
     *
     * @param c      a connection
     * @param report the report rebuilt from the final status (no phases)
     * @return 1 when a row was completed or added, 0 otherwise
     * @throws SQLException from the driver
     */
    public static int recover(Connection c, RunReport report) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RECOVER)) {
            int i = 0;
            s.setString(++i, report.outcome().wireName());
            s.setObject(++i, RunRows.timestamp(report.finishedAt()));
            s.setLong(++i, report.duration().toMillis());
            i = errorAndSkip(s, i, report);
            s.setString(++i, report.runId());
            s.setString(++i, report.runId());
            s.setString(++i, report.pipeline());
            RunRows.text(s, ++i, report.trigger() == null ? null : report.trigger().wireName());
            RunRows.text(s, ++i, report.mode() == null ? null : report.mode().toString());
            s.setString(++i, report.outcome().wireName());
            s.setObject(++i, RunRows.timestamp(report.startedAt()));
            s.setObject(++i, RunRows.timestamp(report.finishedAt()));
            s.setLong(++i, report.duration().toMillis());
            i = errorAndSkip(s, i, report);
            s.setString(++i, report.runId());
            s.setObject(++i, RunRows.timestamp(report.finishedAt()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int errorAndSkip(PreparedStatement s, int i, RunReport report) throws SQLException {
        RunRows.text(s, ++i, report.error() == null ? null : report.error().phase());
        RunRows.text(s, ++i, report.error() == null ? null : report.error().type());
        RunRows.text(s, ++i, report.error() == null ? null : report.error().message());
        RunRows.text(s, ++i, report.skipReason());
        return i;
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
