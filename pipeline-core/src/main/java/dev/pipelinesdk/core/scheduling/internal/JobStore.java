package dev.pipelinesdk.core.scheduling.internal;

import dev.pipelinesdk.core.jdbc.RunHistoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code pipeline_jobs} table: which pipelines a scheduler cluster has, and their schedules. */
public final class JobStore {

    /**
     * A row.
     *
     * @param pipeline     the pipeline
     * @param scheduleKey  the canonical schedule, {@code null} for manual only
     * @param scheduleText the schedule in words
     * @param zone         the zone id, {@code null} for manual only
     */
    public record Job(String pipeline, String scheduleKey, String scheduleText, String zone) {
    }

    private final DataSource dataSource;

    /** @param dataSource the database */
    public JobStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param job    the job as configured now
     * @param nodeId who writes it
     * @return the row as it was before, if there was one
     */
    public Optional<Job> upsert(Job job, String nodeId) {
        try (Connection c = dataSource.getConnection()) {
            Optional<Job> before = find(c, job.pipeline());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pipeline_jobs (pipeline, schedule_key, schedule_text, zone, updated_at, updated_by) "
                            + "VALUES (?, ?, ?, ?, now(), ?) ON CONFLICT (pipeline) DO UPDATE SET "
                            + "schedule_key = EXCLUDED.schedule_key, schedule_text = EXCLUDED.schedule_text, "
                            + "zone = EXCLUDED.zone, updated_at = now(), updated_by = EXCLUDED.updated_by")) {
                ps.setString(1, job.pipeline());
                ps.setString(2, job.scheduleKey());
                ps.setString(3, job.scheduleText());
                ps.setString(4, job.zone());
                ps.setString(5, nodeId);
                ps.executeUpdate();
            }
            return before;
        } catch (SQLException e) {
            throw new RunHistoryException("Could not register pipeline '" + job.pipeline() + "' in pipeline_jobs: "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param pipeline a pipeline name
     * @return its row
     */
    public Optional<Job> find(String pipeline) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, pipeline);
        } catch (SQLException e) {
            throw new RunHistoryException("Could not read pipeline_jobs: " + e.getMessage(), e);
        }
    }

    /** @return every row, by pipeline name */
    public List<Job> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT pipeline, schedule_key, schedule_text, zone FROM pipeline_jobs ORDER BY pipeline");
             ResultSet rs = ps.executeQuery()) {
            List<Job> jobs = new ArrayList<>();
            while (rs.next()) {
                jobs.add(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
            return jobs;
        } catch (SQLException e) {
            throw new RunHistoryException("Could not read pipeline_jobs: " + e.getMessage(), e);
        }
    }

    private static Optional<Job> find(Connection c, String pipeline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pipeline, schedule_key, schedule_text, zone FROM pipeline_jobs WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                        : Optional.empty();
            }
        }
    }
}
