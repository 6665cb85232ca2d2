package io.trawl.job.webhook;

import io.trawl.job.repository.CreatedAtRow;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A row of {@code trawl.webhooks}: one subscription. */
public record WebhookRecord(
        UUID id,
        String tenant,
        String url,
        List<String> events,
        UUID jobId,
        String description,
        boolean enabled,
        String disabledReason,
        String secret,
        String previousSecret,
        Instant previousUntil,
        Instant createdAt,
        Instant updatedAt) implements CreatedAtRow {

    static final String COLUMNS = "id, tenant, url, events, job_id, description, enabled, disabled_reason, secret, "
            + "previous_secret, previous_until, created_at, updated_at";

    static WebhookRecord from(Row row) {
        return new WebhookRecord(row.getUUID("id"), row.getString("tenant"), row.getString("url"),
                Arrays.asList(row.getArrayOfStrings("events")), row.getUUID("job_id"), row.getString("description"),
                row.getBoolean("enabled"), row.getString("disabled_reason"), row.getString("secret"),
                row.getString("previous_secret"), Sql.instant(row, "previous_until"), Sql.instant(row, "created_at"),
                Sql.instant(row, "updated_at"));
    }

    /** The secrets that sign at {@code now}: the current one, and the previous one during its grace period. */
    public List<String> signingSecrets(Instant now) {
        List<String> secrets = new ArrayList<>(2);
        secrets.add(secret);
        if (previousSecret != null && previousUntil != null && now.isBefore(previousUntil)) {
            secrets.add(previousSecret);
        }
        return secrets;
    }
}
