-- A run whose process stopped after it published its final status but before its report reached
-- the history is recorded by a later run from that status (outcome, times, error; no phases), with
-- recovered = true. Should the run's own report still arrive (a slow process, not a dead one), it
-- replaces the recovered row.
ALTER TABLE pipeline_runs ADD COLUMN recovered boolean NOT NULL DEFAULT false;
