package dev.pipelinesdk.core.scheduling;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.internal.RunIds;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.scheduling.internal.Cluster;
import dev.pipelinesdk.core.scheduling.internal.JobStore;
import dev.pipelinesdk.core.scheduling.internal.TextSerializer;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Talks to a running scheduler cluster through its database only: trigger a run, list the jobs.
 * For a command-line tool or an admin app that has no state backend and runs no pipelines.
 * A trigger is picked up by a scheduler instance at its next poll.
 *
 * <pre>{@code
 * TriggerResult r = PipelineSchedulerClient.connect(dataSource).trigger("stops");
 * }</pre>
 *
 * <p>Without the state backend, a run in progress is recognised by its row in
 * {@code pipeline_runs}, kept alive by the running instance about every lease TTL/3.
 */
public final class PipelineSchedulerClient {
    private final Cluster cluster;

    private PipelineSchedulerClient(DataSource dataSource, Clock clock) {
        SchedulerClient tasks = SchedulerClient.Builder.create(dataSource, Cluster.descriptors())
                .serializer(TextSerializer.INSTANCE).build();
        this.cluster = new Cluster(tasks, new JobStore(dataSource), JdbcRunHistory.create(dataSource), null, clock,
                () -> RunIds.next(clock.instant()));
    }

    /**
     * @param dataSource the scheduler cluster's database
     * @return a client
     * @throws IllegalStateException when the database schema is not current
     */
    public static PipelineSchedulerClient connect(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        SchemaMigrations.requireCurrent(dataSource);
        return new PipelineSchedulerClient(dataSource, Clock.systemUTC());
    }

    /**
     * @param pipeline the pipeline's name
     * @return {@code ACCEPTED} with the id the run will have, {@code ALREADY_QUEUED}, or
     *     {@code ALREADY_RUNNING} with the id of the run in progress
     * @throws IllegalArgumentException when no scheduler of the cluster has registered the pipeline
     */
    public TriggerResult trigger(String pipeline) {
        return trigger(pipeline, Trigger.MANUAL, RunMode.full());
    }

    /**
     * @param pipeline the pipeline's name
     * @param trigger  who asks (recorded with the run)
     * @param mode     which phases (checked against the pipeline by the instance that runs it)
     * @return as {@link #trigger(String)}
     */
    public TriggerResult trigger(String pipeline, Trigger trigger, RunMode mode) {
        Names.requirePipeline(pipeline);
        return cluster.trigger(pipeline, Objects.requireNonNull(trigger, "trigger"),
                Objects.requireNonNull(mode, "mode"));
    }

    /** @return every pipeline registered in the database, by name */
    public List<JobInfo> jobs() {
        return cluster.jobs();
    }
}
