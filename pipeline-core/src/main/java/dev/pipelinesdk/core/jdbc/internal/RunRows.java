package dev.pipelinesdk.core.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.jdbc.ActiveRun;
import dev.pipelinesdk.core.jdbc.RunHistoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The mapping between the run history's rows ({@code pipeline_runs}, {@code pipeline_phase_runs})
 * and the API's values. Enums are stored in their lower-case wire form, counters as JSON, times to
 * the microsecond. Not part of the API.
 */
public final class RunRows {

    /** The columns {@link #report} reads from {@code pipeline_runs}. */
    public static final String RUN_COLUMNS = "run_id, pipeline, trigger, mode, outcome, started_at, finished_at, "
            + "fencing_token, owner, error_phase, error_type, error_message, skip_reason, holder_run_id";

    /** The columns {@link #phase} reads from {@code pipeline_phase_runs}. */
    public static final String PHASE_COLUMNS = "run_id, phase_index, phase, outcome, started_at, finished_at, attempts, "
            + "counters, error_type, error_message";

    /** The columns {@link #active} reads from {@code pipeline_runs}. */
    public static final String ACTIVE_COLUMNS = "run_id, pipeline, trigger, mode, owner, started_at, fencing_token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Long>> COUNTERS = new TypeReference<>() {
    };

    private RunRows() {
    }

    /**
     * @param instant a time, may be {@code null}
     * @return it as a {@code timestamptz} parameter, truncated to the microsecond PostgreSQL keeps
     */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /**
     * @param counters counters by name
     * @return their JSON object, keys sorted
     */
    public static String json(Map<String, Long> counters) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(counters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write counters " + counters, e);
        }
    }

    /**
     * Sets a nullable text parameter; a NUL character (which PostgreSQL text cannot hold) becomes U+FFFD.
     *
     * @param s     the statement
     * @param index the parameter's index
     * @param value the value or {@code null}
     * @throws SQLException from the driver
     */
    public static void text(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, clean(value));
        }
    }

    /**
     * @param value a text or {@code null}
     * @return it with every NUL replaced by U+FFFD (PostgreSQL text cannot hold NUL)
     */
    public static String clean(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }

    /**
     * Reads finished runs and their phases (two queries).
     *
     * @param c      the connection
     * @param sql    a query selecting {@link #RUN_COLUMNS} of {@code pipeline_runs}
     * @param params its parameters
     * @return the runs in the query's order, each with its phases in order
     * @throws SQLException from the driver
     */
    public static List<RunReport> reports(Connection c, String sql, List<?> params) throws SQLException {
        Map<String, RunReport> runs = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    RunReport run = report(rs, List.of());
                    runs.put(run.runId(), run);
                }
            }
        }
        if (runs.isEmpty()) {
            return List.of();
        }
        Map<String, List<PhaseReport>> phases = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + PHASE_COLUMNS
                + " FROM pipeline_phase_runs WHERE run_id = ANY (?) ORDER BY run_id, phase_index")) {
            s.setArray(1, c.createArrayOf("text", runs.keySet().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    phases.computeIfAbsent(rs.getString("run_id"), k -> new ArrayList<>()).add(phase(rs));
                }
            }
        }
        List<RunReport> out = new ArrayList<>(runs.size());
        for (RunReport r : runs.values()) {
            out.add(new RunReport(r.runId(), r.pipeline(), r.trigger(), r.mode(), r.outcome(), r.owner(), r.fencingToken(),
                    r.startedAt(), r.finishedAt(), phases.getOrDefault(r.runId(), List.of()), r.error(), r.holderRunId(),
                    r.skipReason()));
        }
        return out;
    }

    /**
     * Reads running runs.
     *
     * @param c        the connection
     * @param sql      a query selecting {@link #ACTIVE_COLUMNS} of {@code pipeline_runs}, with one
     *                 parameter (the pipeline) or none
     * @param pipeline the parameter, {@code null} for none
     * @return the runs in the query's order
     * @throws SQLException from the driver
     */
    public static List<ActiveRun> active(Connection c, String sql, String pipeline) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (pipeline != null) {
                s.setString(1, pipeline);
            }
            List<ActiveRun> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(active(rs));
                }
            }
            return out;
        }
    }

    /**
     * @param rs     a row with {@link #RUN_COLUMNS}
     * @param phases the run's phases, in order
     * @return the run's report
     * @throws SQLException from the driver
     */
    public static RunReport report(ResultSet rs, List<PhaseReport> phases) throws SQLException {
        String runId = rs.getString("run_id");
        String errorType = rs.getString("error_type");
        RunError error = errorType == null ? null
                : new RunError(rs.getString("error_phase"), errorType, rs.getString("error_message"));
        return new RunReport(runId, rs.getString("pipeline"),
                parse(rs, "trigger", runId, Trigger::fromWire), parse(rs, "mode", runId, RunMode::parse),
                parse(rs, "outcome", runId, RunOutcome::fromWire), rs.getString("owner"), rs.getLong("fencing_token"),
                instant(rs, "started_at"), instant(rs, "finished_at"), phases, error, rs.getString("holder_run_id"),
                rs.getString("skip_reason"));
    }

    /**
     * @param rs a row with {@link #PHASE_COLUMNS}
     * @return the phase's report; its error names the phase
     * @throws SQLException from the driver
     */
    public static PhaseReport phase(ResultSet rs) throws SQLException {
        String runId = rs.getString("run_id");
        String name = rs.getString("phase");
        String errorType = rs.getString("error_type");
        return new PhaseReport(name, rs.getInt("phase_index"),
                parse(rs, "outcome", runId, w -> PhaseOutcome.valueOf(w.toUpperCase(Locale.ROOT))),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getInt("attempts"),
                counters(rs.getString("counters"), runId),
                errorType == null ? null : new RunError(name, errorType, rs.getString("error_message")));
    }

    /**
     * @param rs a row with {@link #ACTIVE_COLUMNS}
     * @return the running run
     * @throws SQLException from the driver
     */
    public static ActiveRun active(ResultSet rs) throws SQLException {
        String runId = rs.getString("run_id");
        return new ActiveRun(runId, rs.getString("pipeline"), parse(rs, "trigger", runId, Trigger::fromWire),
                parse(rs, "mode", runId, RunMode::parse), rs.getString("owner"), instant(rs, "started_at"),
                rs.getLong("fencing_token"));
    }

    /**
     * @param outcome a phase outcome
     * @return its stored form
     */
    public static String wire(PhaseOutcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Map<String, Long> counters(String json, String runId) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, COUNTERS);
        } catch (JsonProcessingException e) {
            throw new RunHistoryException("Run " + runId + " has unreadable counters in the run history: " + json, e);
        }
    }

    private static <T> T parse(ResultSet rs, String column, String runId, Function<String, T> parser) throws SQLException {
        String value = rs.getString(column);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new RunHistoryException("Run " + runId + " has an unreadable " + column + " '" + value
                    + "' in the run history (written by a newer version?): " + e.getMessage(), e);
        }
    }
}
