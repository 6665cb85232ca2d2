package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A minted feed token: send it as {@code Authorization: Bearer <token>} to event-service's REST and SSE feed, or
 * as {@code access_token=<token>} on its WebSocket upgrade, until {@code expiresAt}.
 */
@RegisterForReflection
@JsonPropertyOrder({"token", "expiresAt"})
public record FeedTokenView(String token, Instant expiresAt) {
}
