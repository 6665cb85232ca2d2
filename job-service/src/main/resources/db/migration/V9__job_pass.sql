-- The fair-share pass (stride scheduling, docs/architecture.md "fairness") moves out of trawl.jobs into a table
-- only the dispatcher and the job's create/resume write. The dispatcher then locks its jobs FOR KEY SHARE
-- instead of FOR UPDATE: pause, kill and every job-service writer (FOR UPDATE) still wait for its round, but
-- the workers' outcome transactions (FOR NO KEY UPDATE) no longer wait while it holds the lock over the
-- broker's publisher confirms. jobs.dispatch_pass stays, unread, for replicas of the previous version during a
-- rolling upgrade.
CREATE TABLE trawl.job_pass (
    job_id uuid PRIMARY KEY REFERENCES trawl.jobs (id) ON DELETE CASCADE,
    pass   double precision NOT NULL DEFAULT 0
);

INSERT INTO trawl.job_pass (job_id, pass) SELECT id, dispatch_pass FROM trawl.jobs;
