-- The pipelines a scheduler cluster knows, with their schedules in words, so that a process with
-- only database access (the example's `trigger` and `jobs` commands) can list and trigger them.
CREATE TABLE pipeline_jobs (
    pipeline      text PRIMARY KEY,
    schedule_key  text,            -- canonical schedule (kind, parameters, zone); NULL = manual only
    schedule_text text NOT NULL,   -- the schedule in words, e.g. 'daily at 02:30'
    zone          text,            -- the zone next runs are computed and shown in
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL
);
