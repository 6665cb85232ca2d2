package io.trawl.event.messaging;

import io.quarkus.logging.Log;
import io.trawl.common.json.MalformedMessageException;
import io.trawl.common.json.WireJson;
import io.trawl.event.feed.FeedEvent;
import io.trawl.event.feed.LiveEventHub;
import io.trawl.event.metrics.FeedMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;

/**
 * Hands each event consumed from {@code trawl.events} ({@link EventQueueConnection}) to the {@link LiveEventHub}:
 * only its header is decoded ({@link EventHeader}), its bytes are passed on as they came. The work per message
 * is in memory (healing reads and sends run asynchronously on their own event loops), so it runs on the
 * client's delivery thread. A body that is not an envelope is counted, logged and dropped: nothing can be done
 * with it, and the Postgres copy of a real event is healed anyway.
 */
@ApplicationScoped
public class EventConsumer {

    private final LiveEventHub hub;
    private final FeedMetrics metrics;

    public EventConsumer(LiveEventHub hub, FeedMetrics metrics) {
        this.hub = hub;
        this.metrics = metrics;
    }

    void consume(byte[] body) {
        EventHeader event;
        try {
            event = WireJson.decode(body, EventHeader.class);
        } catch (MalformedMessageException e) {
            metrics.malformed();
            Log.warnf("dropping a message on trawl.events: %s", e.getMessage());
            return;
        }
        if (event.jobId() == null || event.seq() < 1 || event.type() == null) {
            metrics.malformed();
            Log.warnf("dropping an event without jobId, seq or type");
            return;
        }
        metrics.arrived(event.time());
        // The envelope's bytes go to subscribers as received (DESIGN.md §3: the same bytes on RabbitMQ and the
        // feeds); only the header is decoded.
        hub.arrived(new FeedEvent(event.jobId(), event.seq(), event.type(), event.time(),
                new String(body, StandardCharsets.UTF_8)));
    }
}
