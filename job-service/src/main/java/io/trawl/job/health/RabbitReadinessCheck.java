package io.trawl.job.health;

import io.trawl.job.messaging.RabbitPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while job-service can publish to RabbitMQ (Postgres has its own datasource check). */
@Readiness
@ApplicationScoped
public class RabbitReadinessCheck implements HealthCheck {

    private final RabbitPublisher publisher;

    public RabbitReadinessCheck(RabbitPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("rabbitmq").status(publisher.isReady()).build();
    }
}
