package io.trawl.event.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the {@code trawl.events} stream is consumed. A broker outage does not end the stream (the
 * connector reconnects; readiness reports it); a stream that ended for good only comes back with a restart.
 */
@Liveness
@ApplicationScoped
public class EventConsumerLivenessCheck implements HealthCheck {

    private final EventConsumer consumer;

    public EventConsumerLivenessCheck(EventConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-consumer").status(consumer.isConsuming()).build();
    }
}
