package io.trawl.common.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.trawl.common.message.Topology;
import java.time.Instant;
import java.util.UUID;

/**
 * One event of a job's feed: the same bytes on RabbitMQ, WebSocket, SSE and REST replay. {@code seq} is
 * the job's gapless, commit-ordered sequence number (1..N).
 */
@RegisterForReflection
@JsonPropertyOrder({"jobId", "seq", "type", "time", "data"})
public record EventEnvelope(UUID jobId, long seq, String type, Instant time, JsonNode data) {

    /** The routing key on the {@code trawl.events} topic exchange: {@code job.<id>.<type>}. */
    public String routingKey() {
        return Topology.eventRoutingKey(jobId, type);
    }
}
