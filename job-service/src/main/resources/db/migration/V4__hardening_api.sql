-- Hardening (docs/hardening-api.md).
-- A schedule fire whose handling failed (any exception) is recorded as a failed run, and the schedule moves on.
ALTER TABLE trawl.schedule_runs DROP CONSTRAINT schedule_runs_outcome_check;
ALTER TABLE trawl.schedule_runs ADD CONSTRAINT schedule_runs_outcome_check
    CHECK (outcome IN ('fired', 'missed', 'skipped', 'queued', 'failed'));
