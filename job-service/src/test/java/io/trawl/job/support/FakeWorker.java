package io.trawl.job.support;

import io.vertx.mutiny.sqlclient.Row;
import java.util.List;
import java.util.UUID;

/**
 * Plays scrape-service's side of the task contract in SQL (docs/architecture.md, "the worker contract"),
 * for job-service tests that need tasks to move: claim a queued task, finish it. Not a mock: it writes
 * the same rows a worker writes, in the real database.
 */
public final class FakeWorker {

    private final TestDb db;

    public FakeWorker(TestDb db) {
        this.db = db;
    }

    /**
     * Claims a queued task of a running job: running, attempt + 1, a lease of {@code leaseMs}. Like the real
     * worker it locks the job row first: a message consumed before its dispatch committed waits for that
     * commit (the dispatcher holds the job lock) instead of finding the task still pending.
     */
    public boolean claim(long taskId, long leaseMs) {
        return db.pool().withTransaction(tx -> tx.preparedQuery("SELECT j.status FROM trawl.jobs j "
                        + "JOIN trawl.tasks t ON t.job_id = j.id WHERE t.id = $1 FOR UPDATE OF j")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(taskId))
                .chain(job -> tx.preparedQuery("UPDATE trawl.tasks t SET state = 'running', attempt = attempt + 1, "
                        + "lease_owner = 'fake', lease_token = gen_random_uuid(), "
                        + "lease_expires_at = now() + $2 * interval '1 millisecond', started_at = now() "
                        + "FROM trawl.jobs j WHERE t.id = $1 AND t.state = 'queued' AND j.id = t.job_id "
                        + "AND j.status = 'running'").execute(io.vertx.mutiny.sqlclient.Tuple.of(taskId, leaseMs))))
                .await().atMost(java.time.Duration.ofSeconds(30)).rowCount() == 1;
    }

    /** Finishes a running task as succeeded and counts it on its job. */
    public void succeed(long taskId) {
        List<Row> rows = db.rows("UPDATE trawl.tasks SET state = 'succeeded', finished_at = clock_timestamp(), "
                + "lease_token = NULL WHERE id = $1 AND state = 'running' RETURNING job_id", taskId);
        if (!rows.isEmpty()) {
            UUID job = rows.get(0).getUUID(0);
            db.update("UPDATE trawl.jobs SET tasks_done = tasks_done + 1 WHERE id = $1", job);
        }
    }

    /** Finishes a running task as failed and counts it on its job. */
    public void fail(long taskId) {
        List<Row> rows = db.rows("UPDATE trawl.tasks SET state = 'failed', finished_at = clock_timestamp(), "
                + "last_error = 'test failure', lease_token = NULL WHERE id = $1 AND state = 'running' "
                + "RETURNING job_id", taskId);
        if (!rows.isEmpty()) {
            db.update("UPDATE trawl.jobs SET tasks_failed = tasks_failed + 1 WHERE id = $1", rows.get(0).getUUID(0));
        }
    }

    /** Makes a running task's lease look expired (its worker died). */
    public void expireLease(long taskId) {
        db.update("UPDATE trawl.tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1", taskId);
    }
}
