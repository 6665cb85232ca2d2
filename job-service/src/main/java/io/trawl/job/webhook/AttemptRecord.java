package io.trawl.job.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/** One attempt of a delivery, as recorded and as listed under its delivery. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttemptRecord(
        int attempt,
        UUID requestId,
        Instant startedAt,
        long durationMs,
        Integer statusCode,
        String error,
        Instant nextAttemptAt) {

    static final String COLUMNS = "delivery_id, attempt, request_id, started_at, duration_ms, status_code, error, "
            + "next_attempt_at";

    static AttemptRecord from(Row row) {
        return new AttemptRecord(row.getInteger("attempt"), row.getUUID("request_id"), Sql.instant(row, "started_at"),
                row.getLong("duration_ms"), row.getInteger("status_code"), row.getString("error"),
                Sql.instant(row, "next_attempt_at"));
    }
}
