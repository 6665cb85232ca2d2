package io.trawl.job.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code trawl.schedule_runs}: what became of one due time (or of several, coalesced). */
public record ScheduleRunRecord(Instant fireTime, String outcome, String reason, UUID jobId, Instant firstDueAt,
        int dueTimes, Instant recordedAt) {

    static ScheduleRunRecord from(Row row) {
        return new ScheduleRunRecord(JobRecord.instant(row, "fire_time"), row.getString("outcome"),
                row.getString("reason"), row.getUUID("job_id"), JobRecord.instant(row, "first_due_at"),
                row.getInteger("due_times"), JobRecord.instant(row, "recorded_at"));
    }
}
