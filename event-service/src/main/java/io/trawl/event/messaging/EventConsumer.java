package io.trawl.event.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.trawl.common.json.MalformedMessageException;
import io.trawl.common.json.WireJson;
import io.trawl.event.feed.FeedEvent;
import io.trawl.event.feed.LiveEventHub;
import io.trawl.event.metrics.FeedMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trawl.events} through this replica's own exclusive queue (see application.properties) and
 * hands each event to the {@link LiveEventHub}: only its header is decoded ({@link EventHeader}), its bytes are
 * passed on as they came. The work per message is in memory (healing reads run
 * asynchronously), so it runs on the connector's event loop and the message is acked right after, without
 * waiting for the ack to complete before the next message: the client runs every channel operation on a worker
 * thread, and a consumer that awaited each ack handed every event through that thread before the next one
 * (the broker's prefetch, {@code max-outstanding-messages}, still bounds what is in flight). A body that
 * is not an envelope is counted, logged and dropped: nothing can be done with it, and the Postgres copy of a
 * real event is healed anyway. If the stream ever ends (a connector failure after a broker reconnect), the
 * replica reports itself not live ({@link EventConsumerLivenessCheck}) so it is restarted, instead of
 * silently serving every live event from the 5-second Postgres tail check.
 */
@ApplicationScoped
public class EventConsumer {

    private final Multi<Message<byte[]>> events;
    private final LiveEventHub hub;
    private final FeedMetrics metrics;
    private volatile boolean consuming;

    public EventConsumer(@Channel("job-events") Multi<Message<byte[]>> events, LiveEventHub hub, FeedMetrics metrics) {
        this.events = events;
        this.hub = hub;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        consuming = true;
        events.subscribe().with(message -> {
            consume(message.getPayload());
            message.ack().whenComplete((ignored, failure) -> {
                if (failure != null) {
                    Log.debugf("ack of a trawl.events message failed (%s); the broker redelivers it, a duplicate "
                            + "the sequencer drops", failure.toString());
                }
            });
        }, failure -> {
            consuming = false;
            Log.errorf(failure, "the trawl.events stream failed; this replica reports itself not live");
        }, () -> {
            consuming = false;
            Log.warnf("the trawl.events stream ended; this replica reports itself not live");
        });
    }

    /** False once the consuming stream ended. */
    public boolean isConsuming() {
        return consuming;
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
