-- Pipeline SDK schema, version 1. Applied by SchemaMigrations.migrate; never edit after release:
-- a change ships as a new V<n>__<description>.sql.

-- db-scheduler 16's table for PostgreSQL (schedules and executions).
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);

-- One row a run. outcome is NULL while the run is running; alive_until then says until when it
-- counts as alive (extended by the running process, compared with the database's clock).
CREATE TABLE pipeline_runs (
    run_id        text                     PRIMARY KEY,
    pipeline      text                     NOT NULL,
    trigger       text,
    mode          text,
    outcome       text,
    started_at    timestamp with time zone NOT NULL,
    finished_at   timestamp with time zone,
    duration_ms   bigint,
    fencing_token bigint                   NOT NULL DEFAULT 0,
    owner         text,
    error_phase   text,
    error_type    text,
    error_message text,
    skip_reason   text,
    holder_run_id text,
    alive_until   timestamp with time zone,
    counters      jsonb                    NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT pipeline_runs_finished CHECK (outcome IS NULL OR finished_at IS NOT NULL)
);

CREATE INDEX pipeline_runs_pipeline_started_idx ON pipeline_runs (pipeline, started_at DESC);
CREATE INDEX pipeline_runs_outcome_idx ON pipeline_runs (outcome, started_at DESC);
CREATE INDEX pipeline_runs_running_idx ON pipeline_runs (pipeline, started_at DESC) WHERE outcome IS NULL;
CREATE INDEX pipeline_runs_finished_idx ON pipeline_runs (finished_at) WHERE outcome IS NOT NULL;

-- One row a phase of a finished run.
CREATE TABLE pipeline_phase_runs (
    run_id        text                     NOT NULL REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    phase_index   int                      NOT NULL,
    phase         text                     NOT NULL,
    outcome       text                     NOT NULL,
    started_at    timestamp with time zone NOT NULL,
    finished_at   timestamp with time zone NOT NULL,
    duration_ms   bigint                   NOT NULL,
    attempts      int                      NOT NULL,
    counters      jsonb                    NOT NULL DEFAULT '{}'::jsonb,
    error_type    text,
    error_message text,
    PRIMARY KEY (run_id, phase_index)
);
