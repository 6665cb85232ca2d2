package io.trawl.scrape.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.service.CancelReason;
import io.trawl.scrape.service.InFlightTasks;
import io.trawl.scrape.service.TaskProcessor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Consumes {@code trawl.tasks} (quorum queue, manual acks, {@code trawl.worker.prefetch} unacknowledged
 * messages per pod) with at most {@code trawl.worker.concurrency} tasks in progress. An {@code @Incoming}
 * method returning a Uni would process one message at a time, so the channel is injected and merged with a
 * bounded concurrency instead.
 * <p>
 * Settling: ack after the outcome committed; reject (no requeue: the queue dead-letters it into
 * {@code trawl.tasks.dead}) for a poison message; nothing while the pod stops (the broker redelivers).
 * The connector's failure strategy is {@code reject} too, so a nack never requeues in a hot loop.
 */
@ApplicationScoped
public class TaskConsumer {

    private final Multi<Message<byte[]>> tasks;
    private final TaskProcessor processor;
    private final InFlightTasks inFlight;
    private final ScrapeConfig config;
    private volatile Cancellable subscription;
    private volatile boolean consuming;

    /** The SmallRye connector hands messages over through a Mutiny buffer of 256 (see application.properties). */
    static final int MAX_PREFETCH = 256;

    public TaskConsumer(@Channel("tasks") Multi<Message<byte[]>> tasks, TaskProcessor processor,
            InFlightTasks inFlight, ScrapeConfig config) {
        this.tasks = tasks;
        this.processor = processor;
        this.inFlight = inFlight;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        int concurrency = config.worker().concurrency();
        int prefetch = config.worker().prefetch();
        if (prefetch < 1 || prefetch > MAX_PREFETCH || concurrency < 1) {
            throw new IllegalStateException("trawl.worker.prefetch must be 1.." + MAX_PREFETCH
                    + " (the connector's hand-off buffer) and trawl.worker.concurrency at least 1; got prefetch "
                    + prefetch + ", concurrency " + concurrency);
        }
        subscription = tasks
                .onItem().transformToUni(this::handle)
                .merge(concurrency)
                .subscribe().with(ignored -> {
                }, failure -> {
                    consuming = false;
                    Log.errorf(failure, "task consumer stopped");
                }, () -> consuming = false);
        consuming = true;
        Log.infof("consuming trawl.tasks with concurrency %d, prefetch %d", concurrency, config.worker().prefetch());
    }

    /** False once the consuming stream ended (the pod then reports itself not live). */
    public boolean isConsuming() {
        return consuming;
    }

    /**
     * Shutdown: claim nothing new, hand every in-flight task back (pending, attempt refunded), wait for them to
     * settle within the grace period, then stop consuming.
     */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        processor.stop();
        int handedBack = inFlight.cancelAll(CancelReason.SHUTDOWN);
        long deadline = System.nanoTime() + config.worker().shutdownGrace().toNanos();
        while (inFlight.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (handedBack > 0 || inFlight.size() > 0) {
            Log.infof("shutdown: %d in-flight tasks handed back, %d still unsettled", handedBack, inFlight.size());
        }
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private Uni<Void> handle(Message<byte[]> message) {
        return processor.process(message.getPayload())
                .onFailure().recoverWithItem(failure -> {
                    Log.errorf(failure, "unexpected failure processing a task message");
                    return TaskProcessor.Disposition.ACK;
                })
                .onItem().transformToUni(disposition -> switch (disposition) {
                    case ACK -> Uni.createFrom().completionStage(message::ack);
                    case REJECT -> Uni.createFrom().completionStage(() -> message.nack(
                            new IllegalArgumentException("poison task message"),
                            Metadata.of(new RabbitMQRejectMetadata(false))));
                    case HOLD -> Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithItem(failure -> {
                    // The ack was lost (connection gone): the broker redelivers and the claim drops it.
                    Log.debugf("settling a task message failed: %s", failure.getMessage());
                    return null;
                })
                .replaceWithVoid()
                .ifNoItem().after(Duration.ofMinutes(30)).recoverWithItem((Void) null);
    }
}
