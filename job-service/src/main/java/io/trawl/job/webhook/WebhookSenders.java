package io.trawl.job.webhook;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.guard.AddressGuard;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the webhook sender from {@link WebhookConfig} and runs this process's loop when
 * {@code trawl.webhook.enabled}. {@link #newLoop} makes further, independent senders (their own HTTP client
 * and owner name) — what a second replica is, used by tests.
 */
@ApplicationScoped
public class WebhookSenders {

    private final WebhookConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private final WebhookRepository webhooks;
    private final DeliveryRepository deliveries;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final AddressGuard guard;
    private WebhookSenderLoop loop;

    public WebhookSenders(WebhookConfig config, Pool pool, Vertx vertx, WebhookRepository webhooks,
            DeliveryRepository deliveries, WebhookMetrics metrics, Clock clock) {
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.clock = clock;
        this.guard = AddressGuard.of(config.allowNetworks().orElse(""));
    }

    /** The address guard webhook targets pass (also when a subscription is created or its URL changed). */
    public AddressGuard guard() {
        return guard;
    }

    public RetrySchedule retrySchedule() {
        return new RetrySchedule(config.retrySchedule(), config.jitter(), config.maxRetryAfter(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A new sender loop, not started, with its own client; {@code name} tells its claims apart. */
    public WebhookSenderLoop newLoop(String name) {
        WebhookFanOut fanOut = new WebhookFanOut(pool, webhooks, deliveries, config.fanOutJobs(), config.fanOutEvents());
        WebhookClient client = new WebhookClient(vertx, guard, config.timeout(), config.maxResponseBytes());
        WebhookSender sender = new WebhookSender(name, pool, fanOut, webhooks, deliveries, client, retrySchedule(),
                metrics, clock, config.timeout(), config.batchSize());
        return new WebhookSenderLoop(sender, vertx, config.idleInterval().toMillis());
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            loop = newLoop(ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID());
            loop.start();
            Log.infof("webhook sender started (timeout %s, retries %s)", config.timeout(), config.retrySchedule());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }
}
