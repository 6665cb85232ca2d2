package io.trawl.job.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Webhook metrics: {@code trawl_webhook_attempts_total{outcome=delivered|retrying|failed|gone}} (every attempt
 * by what it came to), {@code trawl_webhook_attempt_seconds} (attempt latency) and
 * {@code trawl_webhook_backlog{webhook=<id>}} (open deliveries per subscription, refreshed every 10 s).
 */
@ApplicationScoped
public class WebhookMetrics {

    static final List<String> OUTCOMES = List.of("delivered", "retrying", "failed", "gone");

    private final DeliveryRepository deliveries;
    private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
    private final Timer latency;
    private final MultiGauge backlog;

    public WebhookMetrics(DeliveryRepository deliveries, MeterRegistry registry) {
        this.deliveries = deliveries;
        for (String outcome : OUTCOMES) {
            attempts.put(outcome, Counter.builder("trawl.webhook.attempts").tag("outcome", outcome)
                    .description("Webhook delivery attempts by outcome").register(registry));
        }
        latency = Timer.builder("trawl.webhook.attempt").description("Webhook delivery attempt latency")
                .publishPercentileHistogram(false).register(registry);
        backlog = MultiGauge.builder("trawl.webhook.backlog")
                .description("Open (pending or in-flight) deliveries per webhook subscription").register(registry);
    }

    void attempted(UUID webhookId, String outcome, Duration took) {
        Counter counter = attempts.get(outcome);
        if (counter != null) {
            counter.increment();
        }
        latency.record(took);
    }

    @Scheduled(identity = "webhook-backlog", every = "10s", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return deliveries.backlog().invoke(counts -> backlog.register(counts.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(Tags.of("webhook", e.getKey().toString()), e.getValue()))
                        .toList(), true))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
