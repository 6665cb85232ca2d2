package io.trawl.event.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/**
 * The routing part of an event envelope ({@code common}'s {@code EventEnvelope} without {@code data}): what
 * event-service needs to sequence and route a message it consumed. The message's bytes themselves are passed
 * on to subscribers unchanged, so {@code data} is only checked to be JSON, never built into a tree.
 */
@RegisterForReflection
record EventHeader(UUID jobId, long seq, String type, Instant time) {
}
