-- The dispatcher takes each (host, job)'s first due pending tasks by id straight from this index (a LATERAL
-- LIMIT per pair) instead of ranking every due pending task of a host each round: a job with 1,000,000
-- pending tasks dispatches as fast as one with 10,000 (docs/performance.md, "the dispatcher").
CREATE INDEX tasks_pending_by_job_host ON trawl.tasks (job_id, host, id) WHERE state = 'pending';
