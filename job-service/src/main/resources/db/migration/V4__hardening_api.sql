-- Hardening (docs/hardening-api.md).
-- A schedule fire whose handling failed (any exception) is recorded as a failed run, and the schedule moves on.
ALTER TABLE trawl.schedule_runs DROP CONSTRAINT schedule_runs_outcome_check;
ALTER TABLE trawl.schedule_runs ADD CONSTRAINT schedule_runs_outcome_check
    CHECK (outcome IN ('fired', 'missed', 'skipped', 'queued', 'failed'));

-- Retention marks a job purged (under its row lock, re-checking it is still finished) before deleting, and
-- clears purge_pending when everything is deleted; an interrupted purge is resumed by the next round.
ALTER TABLE trawl.jobs ADD COLUMN purge_pending boolean NOT NULL DEFAULT false;
CREATE INDEX jobs_purge_pending ON trawl.jobs (id) WHERE purge_pending;
