package io.trawl.job.repository;

import io.trawl.common.event.Events;
import io.trawl.common.state.JobStatus;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code trawl.jobs}. */
public record JobRecord(
        UUID id,
        String tenant,
        String name,
        String spec,
        String requestHash,
        JobStatus status,
        int priority,
        String idempotencyKey,
        long tasksTotal,
        long tasksDone,
        long tasksFailed,
        long items,
        long eventSeq,
        Instant createdAt,
        Instant startedAt,
        Instant pausedAt,
        Instant finishedAt,
        Instant purgedAt,
        UUID scheduleId,
        Instant fireTime) implements CreatedAtRow {

    /** The columns {@link #from(Row)} reads, for SELECT and RETURNING lists. */
    public static final String COLUMNS = "id, tenant, name, spec::text AS spec, request_hash, status, priority, "
            + "idempotency_key, tasks_total, tasks_done, tasks_failed, items, event_seq, created_at, started_at, "
            + "paused_at, finished_at, purged_at, schedule_id, fire_time";

    public static JobRecord from(Row row) {
        return new JobRecord(
                row.getUUID("id"),
                row.getString("tenant"),
                row.getString("name"),
                row.getString("spec"),
                row.getString("request_hash"),
                JobStatus.fromWire(row.getString("status")),
                row.getInteger("priority"),
                row.getString("idempotency_key"),
                row.getInteger("tasks_total"),
                row.getInteger("tasks_done"),
                row.getInteger("tasks_failed"),
                row.getLong("items"),
                row.getLong("event_seq"),
                instant(row, "created_at"),
                instant(row, "started_at"),
                instant(row, "paused_at"),
                instant(row, "finished_at"),
                instant(row, "purged_at"),
                row.getUUID("schedule_id"),
                instant(row, "fire_time"));
    }

    public Events.Counters counters() {
        return new Events.Counters(tasksTotal, tasksDone, tasksFailed, items);
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
