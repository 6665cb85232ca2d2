-- Schedules: the job of the latest fire (for overlap policies) and a fire waiting for it (overlap "queue").
ALTER TABLE trawl.schedules ADD COLUMN last_job_id uuid;
ALTER TABLE trawl.schedules ADD COLUMN queued_fire_at timestamptz;
CREATE INDEX schedules_queued ON trawl.schedules (queued_fire_at) WHERE queued_fire_at IS NOT NULL;

-- A run row may stand for several due times (coalesced within the misfire grace, or missed in bulk).
ALTER TABLE trawl.schedule_runs ADD COLUMN first_due_at timestamptz;
ALTER TABLE trawl.schedule_runs ADD COLUMN due_times int NOT NULL DEFAULT 1;
CREATE INDEX schedule_runs_recent ON trawl.schedule_runs (schedule_id, fire_time DESC);
