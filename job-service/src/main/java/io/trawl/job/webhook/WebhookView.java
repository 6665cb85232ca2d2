package io.trawl.job.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A subscription as the API shows it; {@code secret} only in the answers that issue one (create, rotate). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookView(UUID id, String url, List<String> events, UUID jobId, String description, boolean enabled,
        String disabledReason, String secret, Instant previousSecretUntil, Instant createdAt, Instant updatedAt,
        Map<String, String> links) {

    static WebhookView of(WebhookRecord w, boolean withSecret, Instant now) {
        String self = "/api/v1/webhooks/" + w.id();
        Instant previousUntil = w.previousUntil() != null && now.isBefore(w.previousUntil()) ? w.previousUntil() : null;
        return new WebhookView(w.id(), w.url(), w.events(), w.jobId(), w.description(), w.enabled(), w.disabledReason(),
                withSecret ? w.secret() : null, previousUntil, w.createdAt(), w.updatedAt(),
                Map.of("self", self, "deliveries", self + "/deliveries"));
    }
}
