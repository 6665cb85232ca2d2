package io.trawl.scrape.health;

import io.trawl.scrape.messaging.DeadLetterConsumer;
import io.trawl.scrape.messaging.TaskConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the channels consuming {@code trawl.tasks} and {@code trawl.tasks.dead} are open (they are the
 * plain RabbitMQ client's, not the connector's, so the connector's readiness does not cover them). A broker
 * outage makes the pod unready, never restarts it: the consumers reconnect by themselves.
 */
@Readiness
@ApplicationScoped
public class TaskQueueReadinessCheck implements HealthCheck {

    private final TaskConsumer tasks;
    private final DeadLetterConsumer deadLetters;

    public TaskQueueReadinessCheck(TaskConsumer tasks, DeadLetterConsumer deadLetters) {
        this.tasks = tasks;
        this.deadLetters = deadLetters;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("rabbitmq-consumers")
                .withData("tasks", tasks.isConnected())
                .withData("dead-letters", deadLetters.isConnected())
                .status(tasks.isConnected() && deadLetters.isConnected())
                .build();
    }
}
