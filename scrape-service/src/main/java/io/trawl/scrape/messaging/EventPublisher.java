package io.trawl.scrape.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventSink;
import io.trawl.common.json.WireJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes committed events to the {@code trawl.events} topic exchange (routing key {@code job.<id>.<type>}),
 * persistent, not mandatory. Best effort by design: the events are in Postgres already and event-service
 * heals gaps from there, so a lost publish is counted, never retried, never fails the task.
 */
@ApplicationScoped
public class EventPublisher implements EventSink {

    private final MutinyEmitter<byte[]> emitter;
    private final Counter lost;

    public EventPublisher(@Channel("events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<byte[]> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.lost = Counter.builder("trawl.events.publish.failures")
                .description("Committed events whose publish to RabbitMQ failed (healed from Postgres)")
                .register(registry);
    }

    /** Publishes after commit; never throws. */
    @Override
    public void publish(List<EventEnvelope> events) {
        for (EventEnvelope event : events) {
            try {
                OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder()
                        .withRoutingKey(event.routingKey())
                        .withContentType("application/json")
                        .withDeliveryMode(2)
                        .withType(event.type())
                        .build();
                emitter.sendMessageAndForget(Message.of(WireJson.encode(event))
                        .addMetadata(metadata)
                        .withNack(failure -> {
                            lost.increment();
                            return CompletableFuture.completedFuture(null);
                        }));
            } catch (RuntimeException e) {
                lost.increment();
                Log.debugf("event %s/%d not published (%s); readers heal from Postgres", event.jobId(), event.seq(),
                        e.getMessage());
            }
        }
    }
}
