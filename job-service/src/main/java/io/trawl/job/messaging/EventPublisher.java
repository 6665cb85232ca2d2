package io.trawl.job.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventSink;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.Topology;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Publishes committed events to the {@code trawl.events} topic exchange. Best effort by design: the
 * events are already in Postgres, and event-service heals any gap from there.
 */
@ApplicationScoped
public class EventPublisher implements EventSink {

    private final RabbitPublisher publisher;
    private final Counter lost;

    public EventPublisher(RabbitPublisher publisher, MeterRegistry registry) {
        this.publisher = publisher;
        this.lost = Counter.builder("trawl.events.publish.failures")
                .description("Committed events whose publish to RabbitMQ failed (healed from Postgres)")
                .register(registry);
    }

    /** Publishes after commit; never fails the caller. */
    @Override
    public void publish(List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return;
        }
        List<RabbitPublisher.Outgoing> outgoing = events.stream()
                .map(e -> new RabbitPublisher.Outgoing(Topology.EVENTS_EXCHANGE, e.routingKey(), WireJson.encode(e),
                        false, e.type()))
                .toList();
        publisher.publishAll(outgoing).subscribe().with(ok -> {
        }, failure -> {
            lost.increment(events.size());
            Log.debugf("events of job %s not published (%s); readers heal from Postgres", events.get(0).jobId(),
                    failure.getMessage());
        });
    }
}
