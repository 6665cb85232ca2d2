package io.trawl.scrape.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.task.SlotSignal;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The worker's SQL on jobs, tasks and items (docs/architecture.md, "the worker contract"). Transactional
 * methods take the caller's connection; the caller locks the job row ({@link #lockJob}) before any task row.
 * Every outcome write is guarded by {@code id = $1 AND lease_token = $2 AND state = 'running'}: a worker whose
 * lease was reaped or whose task was cancelled changes nothing.
 */
@ApplicationScoped
public class TaskRepository {

    /**
     * FOR NO KEY UPDATE: waits for pause, kill and job-service's other writers (FOR UPDATE) and for the other
     * workers' outcomes of the job, but not for a dispatch round (FOR KEY SHARE), which holds its lock over the
     * broker's publisher confirms.
     */
    private static final String LOCK_JOB = "SELECT status FROM trawl.jobs WHERE id = $1 FOR NO KEY UPDATE";

    /**
     * Before a claim: the broker confirms a task message before the dispatch round commits, so a worker can get
     * it while the task still reads pending, the round's update uncommitted. The job lock no longer waits for the
     * round (see LOCK_JOB); this row lock does, and the claim's statement after it sees the committed state:
     * queued, or pending after a rollback (the message is dropped; it will be sent again).
     */
    private static final String LOCK_TASKS = "SELECT id FROM trawl.tasks WHERE id = ANY($1) ORDER BY id FOR UPDATE";

    private static final String CLAIM = "UPDATE trawl.tasks SET state = 'running', attempt = attempt + 1, "
            + "lease_owner = $3, lease_token = $4, lease_expires_at = now() + $5::bigint * interval '1 millisecond', "
            + "started_at = now() WHERE id = $1 AND job_id = $2 AND state = 'queued' "
            + "AND ($6::bigint IS NULL OR dispatch_token = $6) "
            + "RETURNING url, host, depth, attempt, max_attempts, queued_at";

    // UPDATE ... FROM does not lock the joined job row: a renewal holds no job lock (lock order stays safe).
    private static final String RENEW = "UPDATE trawl.tasks t SET lease_expires_at = now() + $3::bigint * interval '1 millisecond' "
            + "FROM trawl.jobs j WHERE t.id = $1 AND t.lease_token = $2 AND t.state = 'running' AND j.id = t.job_id "
            + "RETURNING j.status";

    private static final String GUARD = " WHERE id = $1 AND lease_token = $2 AND state = 'running'";

    private static final String SUCCEED = "UPDATE trawl.tasks SET state = 'succeeded', http_status = $3, "
            + "last_error = NULL, finished_at = now(), lease_token = NULL, lease_expires_at = NULL" + GUARD;

    private static final String RETRY = "UPDATE trawl.tasks SET state = 'pending', "
            + "next_attempt_at = now() + $3::bigint * interval '1 millisecond', last_error = $4, http_status = $5, "
            + "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, queued_at = NULL" + GUARD
            + " RETURNING next_attempt_at";

    private static final String FAIL = "UPDATE trawl.tasks SET state = 'failed', last_error = $3, http_status = $4, "
            + "finished_at = now(), lease_token = NULL, lease_expires_at = NULL" + GUARD;

    // hand a claimed task back, its attempt not counted: pending after $3 ms (0: now); $4, when given, is the reason
    // kept as last_error (a worker-side fault), otherwise the last error stays
    private static final String REQUEUE = "UPDATE trawl.tasks SET state = 'pending', attempt = GREATEST(attempt - 1, 0), "
            + "next_attempt_at = now() + $3::bigint * interval '1 millisecond', last_error = COALESCE($4, last_error), "
            + "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, queued_at = NULL, started_at = NULL"
            + GUARD;

    private static final String INSERT_ITEMS = "INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) "
            + "SELECT $1, $2, $3, (x.n - 1)::int, x.data::jsonb "
            + "FROM unnest($4::text[]) WITH ORDINALITY AS x(data, n) ON CONFLICT (task_id, ordinal) DO NOTHING";

    // The counter updates also tell job-service when a job's last open task was counted (SlotSignal).
    private static final String COUNT_DONE = SlotSignal.notifyFinished(
            "UPDATE trawl.jobs SET tasks_done = tasks_done + 1, items = items + $2 WHERE id = $1");

    private static final String COUNT_FAILED = SlotSignal.notifyFinished(
            "UPDATE trawl.jobs SET tasks_failed = tasks_failed + 1 WHERE id = $1");

    private static final String FAIL_DEAD_LETTERED = "UPDATE trawl.tasks SET state = 'failed', last_error = $3, "
            + "finished_at = now(), lease_token = NULL, lease_expires_at = NULL, queued_at = NULL "
            + "WHERE id = $1 AND job_id = $2 AND (state IN ('pending', 'queued') "
            + "OR state = 'running' AND lease_expires_at < now()) AND ($4::bigint IS NULL OR dispatch_token = $4) "
            + "RETURNING url, attempt";

    private static final String DEAD_LETTER_TARGET = "SELECT state, attempt, max_attempts, dispatch_token, url, "
            + "(lease_expires_at IS NOT NULL AND lease_expires_at >= now()) AS leased "
            + "FROM trawl.tasks WHERE id = $1 AND job_id = $2 FOR UPDATE";

    // a delivery-limit dead letter of the current dispatch: one attempt spent without a fetch
    private static final String SPEND_QUEUED = "UPDATE trawl.tasks SET attempt = attempt + 1, state = 'pending', "
            + "next_attempt_at = now() + $4::bigint * interval '1 millisecond', last_error = $5, queued_at = NULL "
            + "WHERE id = $1 AND job_id = $2 AND state = 'queued' AND dispatch_token = $3 RETURNING next_attempt_at";

    private static final String FAIL_QUEUED = "UPDATE trawl.tasks SET attempt = attempt + 1, state = 'failed', "
            + "last_error = $4, finished_at = now(), queued_at = NULL "
            + "WHERE id = $1 AND job_id = $2 AND state = 'queued' AND dispatch_token = $3";

    private static final String SPEC = "SELECT spec::text FROM trawl.jobs WHERE id = $1";

    // Batch forms (group commit): one statement for many tasks, the same guards as the single ones.
    private static final String LOCK_JOBS = "SELECT id, status FROM trawl.jobs WHERE id = ANY($1) ORDER BY id "
            + "FOR NO KEY UPDATE";

    private static final String CLAIM_ALL = "UPDATE trawl.tasks t SET state = 'running', attempt = t.attempt + 1, "
            + "lease_owner = $4, lease_token = x.token, "
            + "lease_expires_at = now() + $5::bigint * interval '1 millisecond', started_at = now() "
            + "FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $6::bigint[]) AS x(id, job_id, token, dispatch) "
            + "WHERE t.id = x.id AND t.job_id = x.job_id AND t.state = 'queued' "
            + "AND (x.dispatch IS NULL OR t.dispatch_token = x.dispatch) "
            + "RETURNING t.id, t.url, t.host, t.depth, t.attempt, t.max_attempts, t.queued_at, x.token, x.dispatch";

    private static final String SUCCEED_ALL = "UPDATE trawl.tasks t SET state = 'succeeded', http_status = x.status, "
            + "last_error = NULL, finished_at = now(), lease_token = NULL, lease_expires_at = NULL "
            + "FROM unnest($1::bigint[], $2::uuid[], $3::int[]) AS x(id, token, status) "
            + "WHERE t.id = x.id AND t.lease_token = x.token AND t.state = 'running' RETURNING t.id, x.token";

    private static final String INSERT_ITEMS_ALL = "INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) "
            + "SELECT x.job_id, x.task_id, x.url, x.ordinal, x.data::jsonb "
            + "FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::int[], $5::text[]) AS x(job_id, task_id, url, ordinal, data) "
            + "ON CONFLICT (task_id, ordinal) DO NOTHING RETURNING task_id";

    private static final String COUNT_DONE_ALL = SlotSignal.notifyFinished(
            "UPDATE trawl.jobs SET tasks_done = tasks_done + x.done, items = items + x.found "
            + "FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS x(job, done, found) WHERE id = x.job");

    private final Pool pool;

    public TaskRepository(Pool pool) {
        this.pool = pool;
    }

    /** Locks the job row (first, always); its status, or empty when the job does not exist. */
    public Uni<Optional<String>> lockJob(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery(LOCK_JOB).execute(Tuple.of(jobId)).onItem().transform(rows -> first(rows)
                .map(row -> row.getString(0)));
    }

    /**
     * queued → running with a new lease; empty when the task is not queued (claimed, terminal, requeued) or
     * {@code dispatchToken} (when not null) is not the row's current one (a copy of an older dispatch).
     */
    public Uni<Optional<ClaimedTask>> claim(SqlConnection tx, long taskId, UUID jobId, String owner, UUID token,
            long leaseMs, Long dispatchToken) {
        return lockTasks(tx, List.of(taskId)).chain(() -> tx.preparedQuery(CLAIM).execute(Tuple.from(new Object[] {
                        taskId, jobId, owner, token, leaseMs, dispatchToken})))
                .onItem().transform(rows -> first(rows).map(r -> new ClaimedTask(taskId, jobId, r.getString("url"),
                        r.getString("host"), r.getInteger("depth"), r.getInteger("attempt"),
                        r.getInteger("max_attempts"), token, instant(r.getOffsetDateTime("queued_at")))));
    }

    private static Uni<Void> lockTasks(SqlConnection tx, List<Long> taskIds) {
        return tx.preparedQuery(LOCK_TASKS).execute(Tuple.of((Object) taskIds.toArray(Long[]::new))).replaceWithVoid();
    }

    /** Extends the lease; the job's status, or empty when the lease is gone (task reaped or cancelled). */
    public Uni<Optional<String>> renew(long taskId, UUID token, long leaseMs) {
        return pool.preparedQuery(RENEW).execute(Tuple.of(taskId, token, leaseMs))
                .onItem().transform(rows -> first(rows).map(row -> row.getString(0)));
    }

    /** Tells job-service's dispatcher, at this transaction's commit, that host slots were freed ({@link SlotSignal}). */
    public Uni<Void> signalFreedSlots(SqlConnection tx) {
        return tx.preparedQuery(SlotSignal.NOTIFY).execute().replaceWithVoid();
    }

    public Uni<Boolean> succeed(SqlConnection tx, ClaimedTask task, int httpStatus) {
        return tx.preparedQuery(SUCCEED).execute(Tuple.of(task.id(), task.leaseToken(), httpStatus))
                .onItem().transform(rows -> rows.rowCount() == 1);
    }

    /** Back to pending after {@code delayMs}; the next attempt's time (database clock), or empty if not ours. */
    public Uni<Optional<Instant>> retry(SqlConnection tx, ClaimedTask task, long delayMs, String error,
            Integer httpStatus) {
        return tx.preparedQuery(RETRY)
                .execute(Tuple.from(new Object[] {task.id(), task.leaseToken(), delayMs, error, httpStatus}))
                .onItem().transform(rows -> first(rows).map(r -> instant(r.getOffsetDateTime(0))));
    }

    public Uni<Boolean> fail(SqlConnection tx, ClaimedTask task, String error, Integer httpStatus) {
        return tx.preparedQuery(FAIL).execute(Tuple.of(task.id(), task.leaseToken(), error, httpStatus))
                .onItem().transform(rows -> rows.rowCount() == 1);
    }

    /**
     * Hands a claimed task back, this attempt not counted: pending after {@code delayMs} (0: at once), with
     * {@code error} as its last error when not null (pause and shutdown keep the last error).
     */
    public Uni<Boolean> requeue(SqlConnection tx, ClaimedTask task, long delayMs, String error) {
        return tx.preparedQuery(REQUEUE).execute(Tuple.of(task.id(), task.leaseToken(), delayMs, error))
                .onItem().transform(rows -> rows.rowCount() == 1);
    }

    /** Inserts the page's items (ordinal = position); a second write of the same task inserts nothing. */
    public Uni<Integer> insertItems(SqlConnection tx, ClaimedTask task, String url, List<String> itemsJson) {
        if (itemsJson.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tx.preparedQuery(INSERT_ITEMS)
                .execute(Tuple.of(task.jobId(), task.id(), url, itemsJson.toArray(String[]::new)))
                .onItem().transform(RowSet::rowCount);
    }

    public Uni<Void> countDone(SqlConnection tx, UUID jobId, int items) {
        return tx.preparedQuery(COUNT_DONE).execute(Tuple.of(jobId, items)).replaceWithVoid();
    }

    public Uni<Void> countFailed(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery(COUNT_FAILED).execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /**
     * Fails the task of a dead-lettered message unless another worker holds a live lease on it, it is already
     * finished, or the message's {@code dispatchToken} (when not null) is not the current one; returns (url,
     * attempt) when it changed.
     */
    public Uni<Optional<Row>> failDeadLettered(SqlConnection tx, long taskId, UUID jobId, String error,
            Long dispatchToken) {
        return tx.preparedQuery(FAIL_DEAD_LETTERED).execute(Tuple.of(taskId, jobId, error, dispatchToken))
                .onItem().transform(TaskRepository::first);
    }

    /** What a dead letter's task is now (locked): state, attempts, current dispatch token, live lease. */
    public record DeadLetterTarget(String state, int attempt, int maxAttempts, long dispatchToken, String url,
            boolean leased) {
    }

    public Uni<Optional<DeadLetterTarget>> lockDeadLetterTarget(SqlConnection tx, long taskId, UUID jobId) {
        return tx.preparedQuery(DEAD_LETTER_TARGET).execute(Tuple.of(taskId, jobId))
                .onItem().transform(rows -> first(rows).map(r -> new DeadLetterTarget(r.getString("state"),
                        r.getInteger("attempt"), r.getInteger("max_attempts"), r.getLong("dispatch_token"),
                        r.getString("url"), r.getBoolean("leased"))));
    }

    /** queued (this dispatch) → pending after {@code delayMs}, one attempt spent; the next attempt's time. */
    public Uni<Optional<Instant>> spendQueued(SqlConnection tx, long taskId, UUID jobId, long dispatchToken,
            long delayMs, String error) {
        return tx.preparedQuery(SPEND_QUEUED).execute(Tuple.of(taskId, jobId, dispatchToken, delayMs, error))
                .onItem().transform(rows -> first(rows).map(r -> instant(r.getOffsetDateTime(0))));
    }

    /** queued (this dispatch) → failed, its last attempt spent. */
    public Uni<Boolean> failQueued(SqlConnection tx, long taskId, UUID jobId, long dispatchToken, String error) {
        return tx.preparedQuery(FAIL_QUEUED).execute(Tuple.of(taskId, jobId, dispatchToken, error))
                .onItem().transform(rows -> rows.rowCount() == 1);
    }

    /** The job's stored spec (JSON), or empty when the job does not exist. */
    public Uni<Optional<String>> specOf(UUID jobId) {
        return pool.preparedQuery(SPEC).execute(Tuple.of(jobId))
                .onItem().transform(rows -> first(rows).map(row -> row.getString(0)));
    }

    /** Locks the job rows (in id order, first, always); each existing job's status. */
    public Uni<java.util.Map<UUID, String>> lockJobs(SqlConnection tx, java.util.Collection<UUID> jobIds) {
        return tx.preparedQuery(LOCK_JOBS).execute(Tuple.of(jobIds.toArray(UUID[]::new))).onItem().transform(rows -> {
            java.util.Map<UUID, String> status = new java.util.HashMap<>();
            rows.forEach(r -> status.put(r.getUUID(0), r.getString(1)));
            return status;
        });
    }

    /** A task claimed by {@link #claimAll} and the dispatch token of the message that claimed it. */
    public record BatchClaim(ClaimedTask task, Long dispatchToken) {
    }

    /**
     * One claim of many (task, dispatch token) pairs: a task still queued under that dispatch (any, for a null
     * token) becomes running; the claimed ones by task id. A stale copy of a task in the same batch as its
     * current one matches no row (its token is old), so at most one pair of a task wins.
     */
    public Uni<java.util.Map<Long, BatchClaim>> claimAll(SqlConnection tx, List<Long> taskIds, List<UUID> jobIds,
            List<UUID> tokens, List<Long> dispatchTokens, String owner, long leaseMs) {
        java.util.Map<Long, UUID> jobOf = new java.util.HashMap<>();
        for (int i = 0; i < taskIds.size(); i++) {
            jobOf.put(taskIds.get(i), jobIds.get(i));
        }
        return lockTasks(tx, taskIds).chain(() -> tx.preparedQuery(CLAIM_ALL).execute(Tuple.of(
                        taskIds.toArray(Long[]::new), jobIds.toArray(UUID[]::new), tokens.toArray(UUID[]::new), owner,
                        leaseMs, dispatchTokens.toArray(Long[]::new))))
                .onItem().transform(rows -> {
                    java.util.Map<Long, BatchClaim> claimed = new java.util.HashMap<>();
                    for (Row r : rows) {
                        long id = r.getLong("id");
                        claimed.put(id, new BatchClaim(new ClaimedTask(id, jobOf.get(id), r.getString("url"),
                                r.getString("host"), r.getInteger("depth"), r.getInteger("attempt"),
                                r.getInteger("max_attempts"), r.getUUID("token"),
                                instant(r.getOffsetDateTime("queued_at"))), r.getLong("dispatch")));
                    }
                    return claimed;
                });
    }

    /** Marks many tasks succeeded, each guarded by its lease; the (task, lease token) pairs that were still ours. */
    public Uni<java.util.Set<java.util.Map.Entry<Long, UUID>>> succeedAll(SqlConnection tx, List<ClaimedTask> tasks, List<Integer> httpStatus) {
        return tx.preparedQuery(SUCCEED_ALL).execute(Tuple.of(tasks.stream().map(ClaimedTask::id).toArray(Long[]::new),
                        tasks.stream().map(ClaimedTask::leaseToken).toArray(UUID[]::new), httpStatus.toArray(Integer[]::new)))
                .onItem().transform(rows -> {
                    java.util.Set<java.util.Map.Entry<Long, UUID>> ours = new java.util.HashSet<>();
                    rows.forEach(r -> ours.add(java.util.Map.entry(r.getLong(0), r.getUUID(1))));
                    return ours;
                });
    }

    /** Inserts the items of many pages (ordinal = position within its page); how many were new, per task. */
    public Uni<java.util.Map<Long, Integer>> insertItemsAll(SqlConnection tx, List<UUID> jobIds, List<Long> taskIds,
            List<String> urls, List<Integer> ordinals, List<String> itemsJson) {
        if (itemsJson.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return tx.preparedQuery(INSERT_ITEMS_ALL).execute(Tuple.of(jobIds.toArray(UUID[]::new),
                        taskIds.toArray(Long[]::new), urls.toArray(String[]::new), ordinals.toArray(Integer[]::new),
                        itemsJson.toArray(String[]::new)))
                .onItem().transform(rows -> {
                    java.util.Map<Long, Integer> inserted = new java.util.HashMap<>();
                    rows.forEach(r -> inserted.merge(r.getLong(0), 1, Integer::sum));
                    return inserted;
                });
    }

    /** Adds finished pages and items to many jobs' counters in one statement. */
    public Uni<Void> countDoneAll(SqlConnection tx, List<UUID> jobIds, List<Integer> done, List<Long> items) {
        return tx.preparedQuery(COUNT_DONE_ALL).execute(Tuple.of(jobIds.toArray(UUID[]::new),
                done.toArray(Integer[]::new), items.toArray(Long[]::new))).replaceWithVoid();
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
