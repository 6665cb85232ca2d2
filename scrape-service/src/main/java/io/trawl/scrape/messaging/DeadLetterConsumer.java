package io.trawl.scrape.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.Topology;
import io.trawl.scrape.metrics.ScrapeMetrics;
import io.trawl.scrape.service.DbFailures;
import io.trawl.scrape.service.TaskLedger;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Consumes {@code trawl.tasks.dead} (on its own channel of {@link AmqpConsumers}): task messages rejected as
 * undecodable, or past the queue's delivery limit.
 * <ul>
 * <li>Past the delivery limit with a dispatch token: the deliveries of that dispatch are spent, which counts as
 * one spent attempt of the task — only if the token is still the task's current one (a copy of an older
 * dispatch is ignored) and the task is still queued ({@link TaskLedger#spendDeadLettered}). A task whose
 * redeliveries were burnt by reconnects is retried, not failed as poison.</li>
 * <li>Rejected (undecodable), or without a token (an older dispatcher): the task is marked failed with
 * {@code task.failed} unless it already finished, another worker holds a live lease on it, or its token moved
 * on.</li>
 * </ul>
 * The message is acknowledged afterwards; one that names nothing is only logged and counted.
 */
@ApplicationScoped
public class DeadLetterConsumer {

    /** The consumer's name in {@link AmqpConsumers}. */
    public static final String NAME = "dead-letters";

    /** The task a dead-lettered body names, and the dispatch it came from (null when the body has none). */
    record DeadTask(long taskId, UUID jobId, Long dispatchToken) {
    }

    private final AmqpConsumers consumers;
    private final TaskLedger ledger;
    private final EventPublisher events;
    private final ScrapeMetrics metrics;
    private final Vertx vertx;

    public DeadLetterConsumer(AmqpConsumers consumers, TaskLedger ledger, EventPublisher events,
            ScrapeMetrics metrics, Vertx vertx) {
        this.consumers = consumers;
        this.ledger = ledger;
        this.events = events;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        consumers.subscribe(new AmqpConsumers.Subscription(NAME, Topology.TASKS_DEAD_QUEUE, 4,
                AmqpConsumers::declareDead,
                delivery -> vertx.getOrCreateContext().runOnContext(v -> onDeadLetter(delivery.body(),
                        delivery.header("x-first-death-reason"))
                        .subscribe().with(ignored -> delivery.ack(), failure -> delivery.ack()))));
    }

    /** True while the channel to {@code trawl.tasks.dead} is open (readiness). */
    public boolean isConnected() {
        return consumers.isConsuming(NAME);
    }

    Uni<Void> onDeadLetter(byte[] body, String deathReason) {
        String reason = deathReason == null ? "dead-lettered" : deathReason;
        Optional<DeadTask> task = identify(body);
        metrics.deadLetter(task.isPresent());
        if (task.isEmpty()) {
            Log.warnf("dead-lettered task message (%s) names no task; dropped", reason);
            return Uni.createFrom().voidItem();
        }
        DeadTask dead = task.get();
        boolean spent = "delivery_limit".equals(reason) && dead.dispatchToken() != null;
        Uni<List<EventEnvelope>> write = spent
                ? ledger.spendDeadLettered(dead.taskId(), dead.jobId(), dead.dispatchToken(),
                        "delivery limit reached without a result (" + Topology.TASKS_DELIVERY_LIMIT
                                + " deliveries of one dispatch); attempt counted")
                        .invoke(outcome -> Log.infof("dead-lettered message of task %d (job %s, %s, dispatch %d): %s",
                                dead.taskId(), dead.jobId(), reason, dead.dispatchToken(), outcome.value()))
                        .onItem().transform(Committed::events)
                : ledger.failDeadLettered(dead.taskId(), dead.jobId(),
                        "poison message (" + reason + "): the task message could not be processed", dead.dispatchToken())
                        .invoke(committed -> Log.infof("dead-lettered message of task %d (job %s, %s): %s",
                                dead.taskId(), dead.jobId(), reason,
                                committed.isEmpty() ? "task already settled or dispatched again" : "task failed"));
        return write
                .onFailure(DbFailures::isTransient).retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .indefinitely()
                .onItem().invoke(events::publish)
                .onFailure().recoverWithItem(failure -> {
                    Log.errorf(failure, "dead-lettered message of task %d could not be recorded", dead.taskId());
                    return null;
                })
                .replaceWithVoid();
    }

    /** Reads taskId, jobId and the dispatch token from whatever JSON the body still is. */
    static Optional<DeadTask> identify(byte[] body) {
        try {
            JsonNode root = WireJson.tree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode taskId = root.get("taskId");
            JsonNode jobId = root.get("jobId");
            if (taskId == null || !taskId.canConvertToLong() || jobId == null || !jobId.isTextual()) {
                return Optional.empty();
            }
            JsonNode token = root.get("dispatchToken");
            Long dispatchToken = token != null && token.isIntegralNumber() ? token.asLong() : null;
            return Optional.of(new DeadTask(taskId.asLong(), UUID.fromString(jobId.asText()), dispatchToken));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
