package io.trawl.scrape.health;

import io.trawl.scrape.messaging.TaskConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the task stream is consumed. If the stream ever terminates (it never should: every message's
 * processing recovers), the pod is useless and a restart is the fix. Postgres and RabbitMQ readiness come
 * from the reactive client's and the messaging connector's own checks.
 */
@Liveness
@ApplicationScoped
public class TaskConsumerLivenessCheck implements HealthCheck {

    private final TaskConsumer consumer;

    public TaskConsumerLivenessCheck(TaskConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("task-consumer").status(consumer.isConsuming()).build();
    }
}
