package io.trawl.event.messaging;

import io.quarkus.logging.Log;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.MalformedMessageException;
import io.trawl.common.json.WireJson;
import io.trawl.event.feed.LiveEventHub;
import io.trawl.event.metrics.FeedMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code trawl.events} through this replica's own exclusive queue (see application.properties) and
 * hands each envelope to the {@link LiveEventHub}. The work per message is in memory (healing reads run
 * asynchronously), so the method runs on the connector's event loop and the message is acked when it returns.
 * A body that is not an envelope is counted, logged and dropped: nothing can be done with it, and the
 * Postgres copy of a real event is healed anyway.
 */
@ApplicationScoped
public class EventConsumer {

    private final LiveEventHub hub;
    private final FeedMetrics metrics;

    public EventConsumer(LiveEventHub hub, FeedMetrics metrics) {
        this.hub = hub;
        this.metrics = metrics;
    }

    @Incoming("job-events")
    public void consume(byte[] body) {
        EventEnvelope event;
        try {
            event = WireJson.decode(body, EventEnvelope.class);
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
        hub.arrived(event);
    }
}
