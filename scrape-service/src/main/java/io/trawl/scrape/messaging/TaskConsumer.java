package io.trawl.scrape.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.trawl.common.message.Topology;
import io.trawl.scrape.config.BrowserConfig;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.service.BrowserRendering;
import io.trawl.scrape.service.CancelReason;
import io.trawl.scrape.service.InFlightTasks;
import io.trawl.scrape.service.TaskProcessor;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes {@code trawl.tasks} (and {@code trawl.tasks.browser} on a browser worker) (quorum queue, manual acks, {@code trawl.worker.prefetch} unacknowledged
 * messages per pod) with at most {@code trawl.worker.concurrency} tasks in progress, on its own channel of
 * {@link AmqpConsumers}: every message is settled on the channel that delivered it, so an ack can never hit
 * another message after a reconnect.
 * <p>
 * Settling: ack after the outcome committed (or when there is nothing to do, e.g. a copy of an older dispatch);
 * reject (no requeue: the queue dead-letters it into {@code trawl.tasks.dead}) for a poison message; nothing
 * while the pod stops (the broker redelivers when the channel closes).
 */
@ApplicationScoped
public class TaskConsumer {

    /** The consumer's name in {@link AmqpConsumers} (and its readiness check). */
    public static final String NAME = "tasks";

    /** The browser task queue's consumer, on a worker started with {@code trawl.browser.enabled}. */
    public static final String BROWSER_NAME = "browser-tasks";

    /** Unacknowledged messages a pod may hold; more only hides backlog from the autoscaler. */
    static final int MAX_PREFETCH = 256;

    private final AmqpConsumers consumers;
    private final TaskProcessor processor;
    private final InFlightTasks inFlight;
    private final ScrapeConfig config;
    private final BrowserConfig browser;
    private final BrowserRendering rendering;
    private final Vertx vertx;
    private final Queue<AmqpConsumers.Delivery> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger active = new AtomicInteger();
    private volatile int concurrency;
    private volatile boolean consuming;

    public TaskConsumer(AmqpConsumers consumers, TaskProcessor processor, InFlightTasks inFlight,
            ScrapeConfig config, BrowserConfig browser, BrowserRendering rendering, Vertx vertx) {
        this.consumers = consumers;
        this.processor = processor;
        this.inFlight = inFlight;
        this.config = config;
        this.browser = browser;
        this.rendering = rendering;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        concurrency = config.worker().concurrency();
        int prefetch = config.worker().prefetch();
        if (prefetch < 1 || prefetch > MAX_PREFETCH || concurrency < 1) {
            throw new IllegalStateException("trawl.worker.prefetch must be 1.." + MAX_PREFETCH
                    + " and trawl.worker.concurrency at least 1; got prefetch " + prefetch + ", concurrency "
                    + concurrency);
        }
        consumers.subscribe(new AmqpConsumers.Subscription(NAME, Topology.TASKS_QUEUE, prefetch,
                AmqpConsumers::declareTasks, this::onDelivery));
        if (browser.enabled()) {
            // browser tasks: the same contract and settling, a prefetch sized to the browser's contexts; taken once
            // the browser is up and every context attached (a page's time is then the page's alone)
            AmqpConsumers.Subscription tasks = new AmqpConsumers.Subscription(BROWSER_NAME,
                    Topology.BROWSER_TASKS_QUEUE, Math.min(MAX_PREFETCH, browser.contexts() * 2),
                    AmqpConsumers::declareBrowserTasks, this::onDelivery);
            rendering.warmUp().whenComplete((ready, failure) -> {
                if (failure != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    Log.warnf("the browser did not start before the first task (%s); its pages try again, and a "
                            + "page whose browser cannot start is handed back", cause.getMessage());
                }
                consumers.subscribe(tasks);
            });
        }
        consuming = true;
        Log.infof("consuming trawl.tasks%s with concurrency %d, prefetch %d",
                browser.enabled() ? " and trawl.tasks.browser" : "", concurrency, prefetch);
    }

    /** False once consuming stopped for good (the pod then reports itself not live). */
    public boolean isConsuming() {
        return consuming;
    }

    /** True while the channel to {@code trawl.tasks} is open (readiness). */
    public boolean isConnected() {
        return consumers.isConsuming(NAME);
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
        consuming = false;
        consumers.close();
    }

    private void onDelivery(AmqpConsumers.Delivery delivery) {
        waiting.add(delivery);
        drain();
    }

    private void drain() {
        while (true) {
            int now = active.get();
            if (now >= concurrency || waiting.isEmpty()) {
                return;
            }
            if (!active.compareAndSet(now, now + 1)) {
                continue;
            }
            AmqpConsumers.Delivery next = waiting.poll();
            if (next == null || !next.channel().isOpen()) {
                // a delivery of a channel that closed before it started: the broker has redelivered it already
                active.decrementAndGet();
                continue;
            }
            // the worker contract runs on a Vert.x context, never on the client's consumer thread
            vertx.getOrCreateContext().runOnContext(v -> handle(next).subscribe().with(ignored -> finished(),
                    failure -> finished()));
        }
    }

    private void finished() {
        active.decrementAndGet();
        drain();
    }

    private Uni<Void> handle(AmqpConsumers.Delivery delivery) {
        return processor.process(delivery.body())
                .onFailure().recoverWithItem(failure -> {
                    Log.errorf(failure, "unexpected failure processing a task message");
                    return TaskProcessor.Disposition.ACK;
                })
                .invoke(disposition -> {
                    switch (disposition) {
                        case ACK -> delivery.ack();
                        case REJECT -> delivery.reject();
                        case HOLD -> {
                        }
                    }
                })
                .replaceWithVoid()
                .ifNoItem().after(Duration.ofMinutes(30)).recoverWithItem((Void) null);
    }
}
