package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code trawl.schedules} and {@code trawl.schedule_runs}. */
@ApplicationScoped
public class ScheduleRepository {

    /** A schedule with its latest job's status, for the scheduler status view. */
    public record ScheduleStatus(ScheduleRecord schedule, String lastJobStatus) {
    }

    /** A schedule's definition as stored: the cron text, zone id and overlap wire value, the template as JSON. */
    public record NewSchedule(String name, String cron, String timezone, String template, boolean enabled,
            Duration misfireGrace, String overlap) {
    }

    private final Pool pool;

    public ScheduleRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<ScheduleRecord> insert(String tenant, NewSchedule def, Instant nextFire) {
        return pool.preparedQuery("INSERT INTO trawl.schedules (id, tenant, name, cron, timezone, template, enabled, "
                        + "misfire_grace, overlap, next_fire_at) VALUES ($1, $2, $3, $4, $5, $6::text::json, $7, "
                        + "$8 * interval '1 millisecond', $9, $10) RETURNING " + ScheduleRecord.COLUMNS)
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), tenant, def.name(), def.cron(), def.timezone(),
                        def.template(), def.enabled(), def.misfireGrace().toMillis(), def.overlap(),
                        JobRepository.utc(nextFire)}))
                .onItem().transform(rows -> ScheduleRecord.from(rows.iterator().next()));
    }

    public Uni<Optional<ScheduleRecord>> replace(String tenant, UUID id, NewSchedule def, Instant nextFire) {
        return pool.preparedQuery("UPDATE trawl.schedules SET name = $3, cron = $4, timezone = $5, "
                        + "template = $6::text::json, enabled = $7, misfire_grace = $8 * interval '1 millisecond', "
                        + "overlap = $9, next_fire_at = $10, updated_at = now() "
                        + "WHERE id = $1 AND tenant = $2 RETURNING " + ScheduleRecord.COLUMNS)
                .execute(Tuple.from(new Object[] {id, tenant, def.name(), def.cron(), def.timezone(),
                        def.template(), def.enabled(), def.misfireGrace().toMillis(), def.overlap(),
                        JobRepository.utc(nextFire)}))
                .onItem().transform(ScheduleRepository::first);
    }

    /** Deletes the schedule and its run history; its jobs stay (and keep running). */
    public Uni<Boolean> delete(String tenant, UUID id) {
        return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM trawl.schedules WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(id, tenant))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : tx.preparedQuery("DELETE FROM trawl.schedule_runs WHERE schedule_id = $1").execute(Tuple.of(id))
                                .replaceWith(true)));
    }

    public Uni<Optional<ScheduleRecord>> find(String tenant, UUID id) {
        return pool.preparedQuery("SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(id, tenant)).onItem().transform(ScheduleRepository::first);
    }

    public Uni<Optional<ScheduleRecord>> lock(SqlConnection tx, String tenant, UUID id) {
        return tx.preparedQuery("SELECT " + ScheduleRecord.COLUMNS
                        + " FROM trawl.schedules WHERE id = $1 AND tenant = $2 FOR UPDATE")
                .execute(Tuple.of(id, tenant)).onItem().transform(ScheduleRepository::first);
    }

    /** A page of the tenant's schedules, newest first; {@code after} is the last id of the previous page. */
    public Uni<List<ScheduleRecord>> list(String tenant, Instant afterCreated, UUID afterId, int limit) {
        String sql = "SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules WHERE tenant = $1"
                + (afterId == null ? "" : " AND (created_at, id) < ($3, $4)") + " ORDER BY created_at DESC, id DESC LIMIT $2";
        Tuple args = Tuple.of(tenant, limit);
        if (afterId != null) {
            args.addValue(JobRepository.utc(afterCreated)).addValue(afterId);
        }
        return pool.preparedQuery(sql).execute(args).onItem().transform(ScheduleRepository::all);
    }

    public Uni<Optional<ScheduleRecord>> setEnabled(String tenant, UUID id, boolean enabled, Instant nextFire) {
        return pool.preparedQuery("UPDATE trawl.schedules SET enabled = $3, next_fire_at = $4, updated_at = now() "
                        + "WHERE id = $1 AND tenant = $2 RETURNING " + ScheduleRecord.COLUMNS)
                .execute(Tuple.of(id, tenant, enabled, JobRepository.utc(nextFire)))
                .onItem().transform(ScheduleRepository::first);
    }

    /**
     * Locks one enabled schedule that is due at {@code now} or has a queued fire, skipping rows another
     * replica holds and those this tick already handled.
     */
    public Uni<Optional<ScheduleRecord>> lockNextDue(SqlConnection tx, Instant now, List<UUID> handled) {
        return tx.preparedQuery("SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules "
                        + "WHERE enabled AND (next_fire_at <= $1 OR queued_fire_at IS NOT NULL) AND NOT (id = ANY($2)) "
                        + "ORDER BY next_fire_at NULLS LAST LIMIT 1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(JobRepository.utc(now), handled.toArray(UUID[]::new)))
                .onItem().transform(ScheduleRepository::first);
    }

    /** Locks a schedule whose handling failed (skipping it when another replica holds it now). */
    public Uni<Optional<ScheduleRecord>> lockForFailure(SqlConnection tx, UUID id) {
        return tx.preparedQuery("SELECT " + ScheduleRecord.COLUMNS
                        + " FROM trawl.schedules WHERE id = $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(id)).onItem().transform(ScheduleRepository::first);
    }

    /** The database's clock: every replica judges due times on the same one. */
    public Uni<Instant> databaseNow() {
        return pool.query("SELECT now()").execute()
                .onItem().transform(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    /** Stores the schedule's fire state after a tick or trigger. */
    public Uni<Void> saveFireState(SqlConnection tx, UUID id, Instant nextFire, Instant lastFire, UUID lastJob,
            Instant queuedFire) {
        return tx.preparedQuery("UPDATE trawl.schedules SET next_fire_at = $2, last_fire_at = $3, last_job_id = $4, "
                        + "queued_fire_at = $5 WHERE id = $1")
                .execute(Tuple.from(new Object[] {id, JobRepository.utc(nextFire), JobRepository.utc(lastFire), lastJob,
                        JobRepository.utc(queuedFire)}))
                .replaceWithVoid();
    }

    /** Records (or, for a queued fire that now ran, updates) what became of a fire time. */
    public Uni<Void> recordRun(SqlConnection tx, UUID scheduleId, Instant fireTime, String outcome, String reason,
            UUID jobId, Instant firstDue, int dueTimes) {
        return tx.preparedQuery("INSERT INTO trawl.schedule_runs (schedule_id, fire_time, outcome, reason, job_id, "
                        + "first_due_at, due_times) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                        + "ON CONFLICT (schedule_id, fire_time) DO UPDATE SET outcome = EXCLUDED.outcome, "
                        + "reason = EXCLUDED.reason, job_id = EXCLUDED.job_id, recorded_at = now()")
                .execute(Tuple.from(new Object[] {scheduleId, JobRepository.utc(fireTime), outcome, reason, jobId,
                        JobRepository.utc(firstDue), dueTimes}))
                .replaceWithVoid();
    }

    public Uni<List<ScheduleRunRecord>> runs(UUID scheduleId, Instant before, int limit) {
        String sql = "SELECT fire_time, outcome, reason, job_id, first_due_at, due_times, recorded_at "
                + "FROM trawl.schedule_runs WHERE schedule_id = $1" + (before == null ? "" : " AND fire_time < $3")
                + " ORDER BY fire_time DESC LIMIT $2";
        Tuple args = Tuple.of(scheduleId, limit);
        if (before != null) {
            args.addValue(JobRepository.utc(before));
        }
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> {
            List<ScheduleRunRecord> list = new ArrayList<>();
            rows.forEach(r -> list.add(ScheduleRunRecord.from(r)));
            return list;
        });
    }

    /** Status of a job (null when it does not exist), read in the caller's transaction. */
    public Uni<String> jobStatus(SqlClient client, UUID jobId) {
        if (jobId == null) {
            return Uni.createFrom().nullItem();
        }
        return client.preparedQuery("SELECT status FROM trawl.jobs WHERE id = $1").execute(Tuple.of(jobId))
                .onItem().transform(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null);
    }

    /** The job an earlier fire of this time already created, if any. */
    public Uni<UUID> jobOfFire(SqlClient client, UUID scheduleId, Instant fireTime) {
        return client.preparedQuery("SELECT id FROM trawl.jobs WHERE schedule_id = $1 AND fire_time = $2")
                .execute(Tuple.of(scheduleId, JobRepository.utc(fireTime)))
                .onItem().transform(rows -> rows.iterator().hasNext() ? rows.iterator().next().getUUID(0) : null);
    }

    public Uni<List<ScheduleStatus>> status(String tenant) {
        return pool.preparedQuery("SELECT s.*, (SELECT status FROM trawl.jobs j WHERE j.id = s.last_job_id) AS job_status "
                        + "FROM (SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules WHERE tenant = $1) s "
                        + "ORDER BY s.created_at, s.id")
                .execute(Tuple.of(tenant)).onItem().transform(rows -> {
                    List<ScheduleStatus> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new ScheduleStatus(ScheduleRecord.from(r), r.getString("job_status"))));
                    return list;
                });
    }

    private static Optional<ScheduleRecord> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(ScheduleRecord.from(rows.iterator().next())) : Optional.empty();
    }

    private static List<ScheduleRecord> all(RowSet<Row> rows) {
        List<ScheduleRecord> list = new ArrayList<>();
        rows.forEach(r -> list.add(ScheduleRecord.from(r)));
        return list;
    }
}
