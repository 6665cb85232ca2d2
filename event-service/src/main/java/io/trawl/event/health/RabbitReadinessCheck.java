package io.trawl.event.health;

import io.trawl.event.messaging.EventQueueConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while this replica consumes {@code trawl.events} (Postgres has its own datasource check). A broker
 * outage makes the replica unready, never restarts it: the consumer reconnects by itself, and the feed keeps
 * serving from Postgres meanwhile.
 */
@Readiness
@ApplicationScoped
public class RabbitReadinessCheck implements HealthCheck {

    private final EventQueueConnection events;

    public RabbitReadinessCheck(EventQueueConnection events) {
        this.events = events;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("rabbitmq").status(events.isConsuming()).build();
    }
}
