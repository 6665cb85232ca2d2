package io.trawl.job.reaper;

import io.smallrye.mutiny.Uni;
import io.trawl.job.repository.JobRecord;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The reaper's SQL. Writers lock the job row before its tasks, like every other writer. */
@ApplicationScoped
public class ReaperRepository {

    /** A running task whose lease ran out. */
    public record ExpiredTask(long id, String url, int attempt, int maxAttempts, String leaseOwner) {
    }

    /** What happens to an expired task: back to pending at {@code nextAttemptAt}, or failed. */
    public record Outcome(long id, boolean retry, Instant nextAttemptAt, String error) {
    }

    private final Pool pool;

    public ReaperRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<UUID>> jobsWithExpiredLeases(int limit) {
        return ids(pool, "SELECT DISTINCT job_id FROM trawl.tasks WHERE state = 'running' "
                + "AND lease_expires_at < now() LIMIT $1", Tuple.of(limit));
    }

    /** Locks the job row; returns it, or nothing if it no longer exists. */
    public Uni<JobRecord> lockJob(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery("SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(jobId))
                .onItem().transform(rows -> rows.iterator().hasNext() ? JobRecord.from(rows.iterator().next()) : null);
    }

    public Uni<List<ExpiredTask>> expiredTasks(SqlConnection tx, UUID jobId, int limit) {
        return tx.preparedQuery("SELECT id, url, attempt, max_attempts, lease_owner FROM trawl.tasks "
                        + "WHERE job_id = $1 AND state = 'running' AND lease_expires_at < now() "
                        + "ORDER BY id LIMIT $2 FOR UPDATE")
                .execute(Tuple.of(jobId, limit))
                .onItem().transform(rows -> {
                    List<ExpiredTask> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new ExpiredTask(r.getLong("id"), r.getString("url"),
                            r.getInteger("attempt"), r.getInteger("max_attempts"), r.getString("lease_owner"))));
                    return list;
                });
    }

    /** Applies the outcomes (guarded: only tasks still running with an expired lease change). */
    public Uni<Integer> settleExpired(SqlConnection tx, List<Outcome> outcomes) {
        Long[] ids = outcomes.stream().map(Outcome::id).toArray(Long[]::new);
        String[] states = outcomes.stream().map(o -> o.retry() ? "pending" : "failed").toArray(String[]::new);
        OffsetDateTime[] next = outcomes.stream()
                .map(o -> o.nextAttemptAt() == null ? null : o.nextAttemptAt().atOffset(ZoneOffset.UTC))
                .toArray(OffsetDateTime[]::new);
        String[] errors = outcomes.stream().map(Outcome::error).toArray(String[]::new);
        return tx.preparedQuery("UPDATE trawl.tasks t SET state = x.state, "
                        + "next_attempt_at = COALESCE(x.next, t.next_attempt_at), last_error = x.error, "
                        + "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, queued_at = NULL, "
                        + "finished_at = CASE WHEN x.state = 'failed' THEN now() END "
                        + "FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[]) AS x(id, state, next, error) "
                        + "WHERE t.id = x.id AND t.state = 'running' AND t.lease_expires_at < now()")
                .execute(Tuple.of(ids, states, next, errors))
                .onItem().transform(rows -> rows.rowCount());
    }

    public Uni<Void> countFailed(SqlConnection tx, UUID jobId, int n) {
        return n == 0 ? Uni.createFrom().voidItem()
                : tx.preparedQuery("UPDATE trawl.jobs SET tasks_failed = tasks_failed + $2 WHERE id = $1")
                        .execute(Tuple.of(jobId, n)).replaceWithVoid();
    }

    /** Queued tasks no worker claimed for {@code timeout}: their message was lost; dispatch them again. */
    public Uni<Integer> requeueStaleQueued(Duration timeout, int limit) {
        return pool.preparedQuery("UPDATE trawl.tasks SET state = 'pending', queued_at = NULL WHERE id IN ("
                        + "SELECT id FROM trawl.tasks WHERE state = 'queued' "
                        + "AND queued_at < now() - $1 * interval '1 millisecond' LIMIT $2 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(timeout.toMillis(), limit))
                .onItem().transform(rows -> rows.rowCount());
    }

    /** Running jobs none of whose tasks is still open. */
    public Uni<List<UUID>> finishedRunningJobs(int limit) {
        return ids(pool, "SELECT j.id FROM trawl.jobs j WHERE j.status = 'running' AND NOT EXISTS ("
                + "SELECT 1 FROM trawl.tasks t WHERE t.job_id = j.id AND t.state IN ('pending', 'queued', 'running')) "
                + "LIMIT $1", Tuple.of(limit));
    }

    public Uni<Boolean> hasOpenTasks(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery("SELECT EXISTS (SELECT 1 FROM trawl.tasks WHERE job_id = $1 "
                        + "AND state IN ('pending', 'queued', 'running'))")
                .execute(Tuple.of(jobId)).onItem().transform(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Running jobs with events since their last job.progress, and no progress event for {@code interval}. */
    public Uni<List<UUID>> jobsDueForProgress(Duration interval, int limit) {
        return ids(pool, "SELECT id FROM trawl.jobs WHERE status = 'running' AND event_seq > progress_seq "
                + "AND (progress_at IS NULL OR progress_at < now() - $1 * interval '1 millisecond') LIMIT $2",
                Tuple.of(interval.toMillis(), limit));
    }

    public Uni<Void> markProgress(SqlConnection tx, UUID jobId, long seq) {
        return tx.preparedQuery("UPDATE trawl.jobs SET progress_seq = $2, progress_at = now() WHERE id = $1")
                .execute(Tuple.of(jobId, seq)).replaceWithVoid();
    }

    /** Jobs whose purge started but did not finish (first), then finished jobs past the retention period. */
    public Uni<List<UUID>> jobsPastRetention(Duration period, int limit) {
        return ids(pool, "(SELECT id FROM trawl.jobs WHERE purge_pending LIMIT $2) UNION ALL "
                + "(SELECT id FROM trawl.jobs WHERE finished_at < now() - $1 * interval '1 millisecond' "
                + "AND purged_at IS NULL ORDER BY finished_at LIMIT $2) LIMIT $2", Tuple.of(period.toMillis(), limit));
    }

    /**
     * Starts the job's purge: one statement that locks the job row and re-checks, on its latest version, that
     * the job is still finished past the retention period (a retry or resume committed meanwhile makes it not
     * so) or that an earlier purge of it did not finish; marks it {@code purged_at}, {@code purge_pending}.
     * A control call holds the same row lock and refuses a purged job, so the two never interleave.
     *
     * @return whether the purge may proceed
     */
    public Uni<Boolean> startPurge(UUID jobId, Duration period) {
        return pool.preparedQuery("UPDATE trawl.jobs SET purged_at = COALESCE(purged_at, now()), purge_pending = true "
                        + "WHERE id = $1 AND (purge_pending OR (purged_at IS NULL "
                        + "AND status IN ('completed', 'failed', 'killed') "
                        + "AND finished_at < now() - $2 * interval '1 millisecond')) RETURNING id")
                .execute(Tuple.of(jobId, period.toMillis())).onItem().transform(rows -> rows.rowCount() == 1);
    }

    /** Deletes up to {@code batch} items of the job; returns how many. */
    public Uni<Integer> deleteItems(UUID jobId, int batch) {
        return pool.preparedQuery("DELETE FROM trawl.items WHERE id IN (SELECT id FROM trawl.items "
                        + "WHERE job_id = $1 LIMIT $2)")
                .execute(Tuple.of(jobId, batch)).onItem().transform(rows -> rows.rowCount());
    }

    /** Deletes up to {@code batch} events of the job; returns how many. */
    public Uni<Integer> deleteEvents(UUID jobId, int batch) {
        return pool.preparedQuery("DELETE FROM trawl.job_events WHERE job_id = $1 AND seq IN (SELECT seq "
                        + "FROM trawl.job_events WHERE job_id = $1 ORDER BY seq LIMIT $2)")
                .execute(Tuple.of(jobId, batch)).onItem().transform(rows -> rows.rowCount());
    }

    /** The purge of the job deleted everything: it is done. */
    public Uni<Void> markPurged(UUID jobId) {
        return pool.preparedQuery("UPDATE trawl.jobs SET purge_pending = false WHERE id = $1")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    private static Uni<List<UUID>> ids(SqlClient client, String sql, Tuple args) {
        return client.preparedQuery(sql).execute(args).onItem().transform(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID(0)));
            return ids;
        });
    }
}
