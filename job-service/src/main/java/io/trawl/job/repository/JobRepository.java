package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.state.JobStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code trawl.jobs}. Methods taking a connection run in the caller's transaction. */
@ApplicationScoped
public class JobRepository {

    /** A new job row, as the create path inserts it. */
    public record NewJob(UUID id, String tenant, String name, String spec, String requestHash, int priority,
            int perHostConcurrency, int perHostDelayMs, String idempotencyKey, UUID scheduleId, Instant fireTime) {
    }

    /** The lowest pass of the pending and running jobs (0 when there is none). */
    private static final String LOWEST_ACTIVE_PASS = "COALESCE((SELECT min(p.pass) FROM trawl.job_pass p "
            + "JOIN trawl.jobs a ON a.id = p.job_id WHERE a.status IN ('pending', 'running')), 0)";

    // A new job starts at the lowest pass of the active jobs (docs/architecture.md, "fairness").
    private static final String INSERT = "WITH job AS (INSERT INTO trawl.jobs (id, tenant, name, spec, request_hash, "
            + "priority, per_host_concurrency, per_host_delay_ms, idempotency_key, schedule_id, fire_time) "
            + "VALUES ($1, $2, $3, $4::text::json, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING *), "
            + "pass AS (INSERT INTO trawl.job_pass (job_id, pass) SELECT job.id, " + LOWEST_ACTIVE_PASS + " FROM job) "
            + "SELECT " + JobRecord.COLUMNS + " FROM job";

    // A resumed job catches up with the active jobs' lowest pass: it does not jump the queue for its pause.
    private static final String CATCH_UP_PASS = "INSERT INTO trawl.job_pass (job_id, pass) VALUES ($1, "
            + LOWEST_ACTIVE_PASS + ") ON CONFLICT (job_id) DO UPDATE SET pass = GREATEST(trawl.job_pass.pass, "
            + "EXCLUDED.pass)";

    private final Pool pool;

    public JobRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the job; empty when its idempotency key (or schedule fire) already has a job. */
    public Uni<Optional<JobRecord>> insert(SqlConnection tx, NewJob job) {
        return tx.preparedQuery(INSERT).execute(Tuple.from(List.of(job.id(), job.tenant(), job.name(), job.spec(),
                        job.requestHash(), job.priority(), job.perHostConcurrency(), job.perHostDelayMs()))
                        .addValue(job.idempotencyKey()).addValue(job.scheduleId()).addValue(utc(job.fireTime())))
                .onItem().transform(JobRepository::first);
    }

    public Uni<Optional<JobRecord>> findByIdempotencyKey(SqlClient client, String tenant, String key) {
        return client.preparedQuery("SELECT " + JobRecord.COLUMNS
                        + " FROM trawl.jobs WHERE tenant = $1 AND idempotency_key = $2")
                .execute(Tuple.of(tenant, key))
                .onItem().transform(JobRepository::first);
    }

    /** The job, read on {@code client} (inside a transaction it sees the transaction's own writes). */
    public Uni<JobRecord> get(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> JobRecord.from(rows.iterator().next()));
    }

    public Uni<Optional<JobRecord>> find(String tenant, UUID id) {
        return find(pool, tenant, id);
    }

    /** The tenant's job, read on {@code client} (in a snapshot transaction, consistent with its other reads). */
    public Uni<Optional<JobRecord>> find(SqlClient client, String tenant, UUID id) {
        return client.preparedQuery("SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(id, tenant))
                .onItem().transform(JobRepository::first);
    }

    /** Locks the job row for the rest of the transaction (every writer of a job takes this lock first). */
    public Uni<Optional<JobRecord>> lock(SqlConnection tx, String tenant, UUID id) {
        return tx.preparedQuery("SELECT " + JobRecord.COLUMNS
                        + " FROM trawl.jobs WHERE id = $1 AND tenant = $2 FOR UPDATE")
                .execute(Tuple.of(id, tenant))
                .onItem().transform(JobRepository::first);
    }

    /** A page of the tenant's jobs, newest first, optionally of one status. */
    public Uni<List<JobRecord>> list(String tenant, JobStatus status, CreatedAtKey after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(JobRecord.COLUMNS)
                .append(" FROM trawl.jobs WHERE tenant = $1");
        Tuple args = Tuple.of(tenant);
        if (status != null) {
            args.addValue(status.wire());
            sql.append(" AND status = $").append(args.size());
        }
        if (after != null) {
            args.addValue(utc(after.createdAt()));
            args.addValue(after.id());
            sql.append(" AND (created_at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(")");
        }
        args.addValue(limit);
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(args).onItem().transform(JobRepository::all);
    }

    /** Sets the job's status and the timestamp that goes with it. */
    public Uni<JobRecord> updateStatus(SqlConnection tx, UUID id, JobStatus status) {
        String timestamps = switch (status) {
            case PAUSED -> "paused_at = now()";
            case RUNNING -> "paused_at = NULL, finished_at = NULL, started_at = COALESCE(started_at, now())";
            case PENDING -> "paused_at = NULL";
            case COMPLETED, FAILED, KILLED -> "finished_at = now(), paused_at = NULL";
        };
        Uni<Void> pass = status == JobStatus.RUNNING
                ? tx.preparedQuery(CATCH_UP_PASS).execute(Tuple.of(id)).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return pass.chain(() -> tx.preparedQuery("UPDATE trawl.jobs SET status = $2, " + timestamps
                        + " WHERE id = $1 RETURNING " + JobRecord.COLUMNS)
                .execute(Tuple.of(id, status.wire()))
                .onItem().transform(rows -> JobRecord.from(rows.iterator().next())));
    }

    /** Takes back {@code n} failed tasks of the counters (they are being retried). */
    public Uni<Void> uncountFailed(SqlConnection tx, UUID id, int n) {
        return tx.preparedQuery("UPDATE trawl.jobs SET tasks_failed = tasks_failed - $2 WHERE id = $1")
                .execute(Tuple.of(id, n)).replaceWithVoid();
    }

    /** How many jobs of each status exist (for the jobs-by-status gauge). */
    public Uni<List<Row>> countByStatus() {
        return pool.query("SELECT status, count(*) AS n FROM trawl.jobs GROUP BY status").execute()
                .onItem().transform(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return list;
                });
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Optional<JobRecord> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(JobRecord.from(rows.iterator().next())) : Optional.empty();
    }

    private static List<JobRecord> all(RowSet<Row> rows) {
        List<JobRecord> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(JobRecord.from(row)));
        return list;
    }
}
