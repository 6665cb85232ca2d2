package io.trawl.job.webhook;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code trawl.webhook_deliveries}: one event for one subscription, with its progress. */
public record DeliveryRecord(
        long id,
        UUID webhookId,
        UUID jobId,
        long seq,
        String type,
        String status,
        boolean redelivery,
        int attempts,
        int retries,
        Instant nextAttemptAt,
        Integer lastStatusCode,
        String lastError,
        Instant createdAt,
        Instant finishedAt) {

    static final String COLUMNS = "id, webhook_id, job_id, seq, type, status, redelivery, attempts, retries, "
            + "next_attempt_at, last_status_code, last_error, created_at, finished_at";

    static DeliveryRecord from(Row row) {
        return new DeliveryRecord(row.getLong("id"), row.getUUID("webhook_id"), row.getUUID("job_id"),
                row.getLong("seq"), row.getString("type"), row.getString("status"), row.getBoolean("redelivery"),
                row.getInteger("attempts"), row.getInteger("retries"), Sql.instant(row, "next_attempt_at"),
                row.getInteger("last_status_code"), row.getString("last_error"), Sql.instant(row, "created_at"),
                Sql.instant(row, "finished_at"));
    }

    /** The Standard Webhooks message id: the same for every attempt of this event. */
    public String messageId() {
        return messageId(jobId, seq);
    }

    public static String messageId(UUID jobId, long seq) {
        return jobId + "." + seq;
    }
}
