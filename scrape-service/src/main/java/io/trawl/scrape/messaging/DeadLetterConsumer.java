package io.trawl.scrape.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.trawl.common.json.WireJson;
import io.trawl.scrape.metrics.ScrapeMetrics;
import io.trawl.scrape.service.DbFailures;
import io.trawl.scrape.service.TaskLedger;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trawl.tasks.dead}: task messages rejected as undecodable, or past the queue's delivery
 * limit. When the body still names a task ({@code taskId} and {@code jobId}), that task is marked failed
 * with {@code task.failed} (unless it already finished or another worker holds a live lease on it), so its
 * job can finish. The message is acknowledged afterwards; one that names nothing is only logged and counted.
 */
@ApplicationScoped
public class DeadLetterConsumer {

    /** The task a dead-lettered body names. */
    record DeadTask(long taskId, UUID jobId) {
    }

    private final TaskLedger ledger;
    private final EventPublisher events;
    private final ScrapeMetrics metrics;

    public DeadLetterConsumer(TaskLedger ledger, EventPublisher events, ScrapeMetrics metrics) {
        this.ledger = ledger;
        this.events = events;
        this.metrics = metrics;
    }

    @Incoming("dead-letters")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> onDeadLetter(Message<byte[]> message) {
        String reason = message.getMetadata(IncomingRabbitMQMetadata.class)
                .flatMap(m -> m.getHeader("x-first-death-reason", Object.class))
                .map(Object::toString).orElse("dead-lettered");
        Optional<DeadTask> task = identify(message.getPayload());
        metrics.deadLetter(task.isPresent());
        if (task.isEmpty()) {
            Log.warnf("dead-lettered task message (%s) names no task; dropped", reason);
            return Uni.createFrom().completionStage(message::ack);
        }
        DeadTask dead = task.get();
        String error = "poison message (" + reason + "): the task message could not be processed";
        return ledger.failDeadLettered(dead.taskId(), dead.jobId(), error)
                .onFailure(DbFailures::isTransient).retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .indefinitely()
                .onItem().invoke(committed -> {
                    events.publish(committed);
                    Log.infof("dead-lettered message of task %d (job %s, %s): %s", dead.taskId(), dead.jobId(), reason,
                            committed.isEmpty() ? "task already settled" : "task failed");
                })
                .onFailure().recoverWithItem(failure -> {
                    Log.errorf(failure, "dead-lettered message of task %d could not be recorded", dead.taskId());
                    return null;
                })
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(message::ack));
    }

    /** Reads taskId and jobId from whatever JSON the body still is. */
    static Optional<DeadTask> identify(byte[] body) {
        try {
            JsonNode root = WireJson.tree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode taskId = root.get("taskId");
            JsonNode jobId = root.get("jobId");
            if (taskId == null || !taskId.canConvertToLong() || jobId == null || !jobId.isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new DeadTask(taskId.asLong(), UUID.fromString(jobId.asText())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
