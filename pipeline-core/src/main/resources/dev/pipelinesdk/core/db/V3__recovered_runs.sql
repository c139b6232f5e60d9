-- recovered = true marks a run's record that another run wrote for it: an ABANDONED report (the
-- run looked dead), or a report completed from the run's final status because its process stopped
-- before recording it. Should the run's own report still arrive (a slow process, not a dead one),
-- it replaces that record.
ALTER TABLE pipeline_runs ADD COLUMN recovered boolean NOT NULL DEFAULT false;
