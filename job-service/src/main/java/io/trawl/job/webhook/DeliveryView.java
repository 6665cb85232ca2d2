package io.trawl.job.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery in the log: the event ({@code webhookId} is the {@code webhook-id} header, {@code <jobId>.<seq>}),
 * its status ({@code pending} includes an attempt in flight), when it is tried next, and every attempt.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryView(long id, String webhookId, UUID jobId, long seq, String type, String status,
        boolean redelivery, int attempts, Instant nextAttemptAt, Integer lastStatusCode, String lastError,
        Instant createdAt, Instant finishedAt, List<AttemptRecord> attemptLog) {

    static DeliveryView of(DeliveryRecord d, List<AttemptRecord> attempts) {
        String status = d.status().equals("sending") ? "pending" : d.status();
        boolean open = status.equals("pending");
        return new DeliveryView(d.id(), d.messageId(), d.jobId(), d.seq(), d.type(), status, d.redelivery(),
                d.attempts(), open ? d.nextAttemptAt() : null, d.lastStatusCode(), d.lastError(), d.createdAt(),
                d.finishedAt(), attempts == null ? List.of() : attempts);
    }
}
