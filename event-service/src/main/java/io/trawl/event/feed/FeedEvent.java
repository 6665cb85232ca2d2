package io.trawl.event.feed;

import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.WireJson;
import java.time.Instant;
import java.util.UUID;

/**
 * One event ready to send: its envelope's fields that routing needs and its wire text, encoded once with
 * {@link WireJson} so WebSocket, SSE and REST replay carry the same bytes as RabbitMQ.
 */
public record FeedEvent(UUID jobId, long seq, String type, Instant time, String json) {

    public static FeedEvent of(EventEnvelope envelope) {
        return new FeedEvent(envelope.jobId(), envelope.seq(), envelope.type(), envelope.time(),
                WireJson.encodeString(envelope));
    }
}
