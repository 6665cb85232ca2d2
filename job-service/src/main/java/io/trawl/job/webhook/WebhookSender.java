package io.trawl.job.webhook;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.vertx.mutiny.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One sender round: fan new events out into deliveries, claim the due ones (under a lease a little longer
 * than one attempt may take), POST them concurrently, and record every attempt with its outcome under the
 * claim's lease. Stateless between rounds: any number of senders (replicas) may run rounds against one
 * database, and one that dies mid-attempt leaves a claim that another takes over when its lease runs out.
 */
public class WebhookSender {

    static final String USER_AGENT = "Trawl-Webhooks/1.0 (+https://github.com/trawl)";
    private static final int MAX_ERROR = 500;

    private final String owner;
    private final Pool pool;
    private final WebhookFanOut fanOut;
    private final WebhookRepository webhooks;
    private final DeliveryRepository deliveries;
    private final WebhookClient client;
    private final RetrySchedule retries;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final Duration lease;
    private final int batchSize;

    public WebhookSender(String owner, Pool pool, WebhookFanOut fanOut, WebhookRepository webhooks,
            DeliveryRepository deliveries, WebhookClient client, RetrySchedule retries, WebhookMetrics metrics,
            Clock clock, Duration timeout, int batchSize) {
        this.owner = owner;
        this.pool = pool;
        this.fanOut = fanOut;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.client = client;
        this.retries = retries;
        this.metrics = metrics;
        this.clock = clock;
        this.lease = timeout.plusSeconds(30);
        this.batchSize = batchSize;
    }

    /** One round; returns how many deliveries were attempted (0: nothing was due). */
    public Uni<Integer> runOnce() {
        return fanOut.run(clock.instant())
                .chain(read -> deliveries.claim(owner, clock.instant(), lease, batchSize))
                .chain(claimed -> {
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Void>> sends = claimed.stream().map(this::attempt).toList();
                    return Uni.join().all(sends).andCollectFailures().replaceWith(claimed.size());
                });
    }

    public void close() {
        client.close();
    }

    private Uni<Void> attempt(DeliveryRepository.Claimed claimed) {
        DeliveryRecord d = claimed.delivery();
        return webhooks.findById(d.webhookId()).chain(found -> {
            Instant started = clock.instant();
            long t0 = System.nanoTime();
            UUID requestId = UUID.randomUUID();
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem(); // deleted meanwhile: its deliveries went with it
            }
            WebhookRecord webhook = found.get();
            if (claimed.event() == null) {
                return finish(claimed, webhook, requestId, started, t0,
                        new WebhookClient.Response(0, Optional.empty(), "", "the event is no longer stored (retention)"),
                        true);
            }
            byte[] body = WireJson.encode(claimed.event());
            long timestamp = started.getEpochSecond();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("User-Agent", USER_AGENT);
            headers.put("webhook-id", d.messageId());
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", WebhookSigner.signature(d.messageId(), timestamp, body,
                    webhook.signingSecrets(started)));
            headers.put("X-Request-Id", requestId.toString());
            return client.post(URI.create(webhook.url()), headers, body)
                    .chain(response -> finish(claimed, webhook, requestId, started, t0, response, false));
        }).onFailure().recoverWithUni(e -> {
            Log.warnf("webhook delivery %d: %s", d.id(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> finish(DeliveryRepository.Claimed claimed, WebhookRecord webhook, UUID requestId,
            Instant started, long t0, WebhookClient.Response response, boolean permanent) {
        DeliveryRecord d = claimed.delivery();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        Instant now = clock.instant();
        Integer status = response.status() == 0 ? null : response.status();
        String error = response.success() ? null : error(response);
        boolean gone = response.status() == 410;
        DeliveryRepository.Outcome outcome;
        String result;
        if (response.success()) {
            outcome = new DeliveryRepository.Outcome("delivered", null, d.retries(), status, null);
            result = "delivered";
        } else if (gone || permanent) {
            outcome = new DeliveryRepository.Outcome("failed", null, d.retries() + 1, status, error);
            result = gone ? "gone" : "failed";
        } else {
            Optional<Duration> retryAfter = RetryAfter.parse(response.retryAfter().orElse(null), now);
            Optional<Duration> delay = retries.delayAfter(d.retries() + 1, retryAfter);
            outcome = delay.isPresent()
                    ? new DeliveryRepository.Outcome("pending", now.plus(delay.get()), d.retries() + 1, status, error)
                    : new DeliveryRepository.Outcome("failed", null, d.retries() + 1, status, error);
            result = delay.isPresent() ? "retrying" : "failed";
        }
        AttemptRecord attempt = new AttemptRecord(d.attempts(), requestId, started, took.toMillis(), status, error,
                outcome.nextAttemptAt());
        String disabledReason = "the receiver answered 410 Gone to delivery " + d.messageId() + " at " + now;
        return pool.withTransaction(tx -> deliveries.record(tx, claimed, attempt, outcome, now)
                        .chain(written -> written && gone ? webhooks.disable(tx, webhook.id(), disabledReason).replaceWith(true)
                                : Uni.createFrom().item(written)))
                .invoke(written -> {
                    if (written) {
                        metrics.attempted(webhook.id(), result, took);
                        Log.debugf("webhook %s delivery %s attempt %d: %s (%s)", webhook.id(), d.messageId(),
                                d.attempts(), result, status == null ? error : status);
                    }
                })
                .replaceWithVoid();
    }

    private static String error(WebhookClient.Response response) {
        String text = response.error() != null ? response.error()
                : "HTTP " + response.status() + (response.body().isBlank() ? "" : ": " + response.body().strip());
        text = text.replaceAll("\\s+", " ");
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
