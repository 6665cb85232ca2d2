-- Every dispatch of a task takes a new token from this sequence (never reused, even when the dispatching
-- transaction rolls back), writes it to the row and carries it in the task message. A worker's claim matches
-- it, so a stale copy of an earlier dispatch (redelivered after a reconnect, or re-published by the reaper)
-- changes nothing; a dead-lettered copy counts only when its token is still the task's current one.
CREATE SEQUENCE trawl.dispatch_tokens;
ALTER TABLE trawl.tasks ADD COLUMN dispatch_token bigint NOT NULL DEFAULT 0;
