package io.trawl.job.repository;

import io.trawl.common.state.TaskState;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

/** A row of {@code trawl.tasks}, as the API shows it. */
public record TaskRecord(
        long id,
        String url,
        int depth,
        Long parentTaskId,
        TaskState state,
        int attempt,
        int maxAttempts,
        Instant nextAttemptAt,
        String lastError,
        Integer httpStatus,
        String leaseOwner,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    static final String COLUMNS = "id, url, depth, parent_task_id, state, attempt, max_attempts, next_attempt_at, "
            + "last_error, http_status, lease_owner, created_at, started_at, finished_at";

    static TaskRecord from(Row row) {
        return new TaskRecord(row.getLong("id"), row.getString("url"), row.getInteger("depth"),
                row.getLong("parent_task_id"), TaskState.fromWire(row.getString("state")), row.getInteger("attempt"),
                row.getInteger("max_attempts"), JobRecord.instant(row, "next_attempt_at"), row.getString("last_error"),
                row.getInteger("http_status"), row.getString("lease_owner"), JobRecord.instant(row, "created_at"),
                JobRecord.instant(row, "started_at"), JobRecord.instant(row, "finished_at"));
    }
}
