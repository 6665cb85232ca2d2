package io.trawl.job.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code trawl.schedules} (overlap as its wire value; {@code schedule.CronSchedule.of(cron, timezone)} reads the cron). */
public record ScheduleRecord(
        UUID id,
        String tenant,
        String name,
        String cron,
        String timezone,
        String template,
        boolean enabled,
        Duration misfireGrace,
        String overlap,
        Instant lastFireAt,
        Instant nextFireAt,
        UUID lastJobId,
        Instant queuedFireAt,
        Instant createdAt,
        Instant updatedAt) implements CreatedAtRow {

    static final String COLUMNS = "id, tenant, name, cron, timezone, template::text AS template, enabled, "
            + "(extract(epoch FROM misfire_grace) * 1000)::bigint AS grace_ms, overlap, last_fire_at, next_fire_at, "
            + "last_job_id, queued_fire_at, created_at, updated_at";

    static ScheduleRecord from(Row row) {
        return new ScheduleRecord(row.getUUID("id"), row.getString("tenant"), row.getString("name"),
                row.getString("cron"), row.getString("timezone"), row.getString("template"), row.getBoolean("enabled"),
                Duration.ofMillis(row.getLong("grace_ms")), row.getString("overlap"),
                JobRecord.instant(row, "last_fire_at"), JobRecord.instant(row, "next_fire_at"),
                row.getUUID("last_job_id"), JobRecord.instant(row, "queued_fire_at"),
                JobRecord.instant(row, "created_at"), JobRecord.instant(row, "updated_at"));
    }
}
