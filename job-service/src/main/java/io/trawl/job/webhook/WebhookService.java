package io.trawl.job.webhook;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.trawl.guard.BlockedAddressException;
import io.trawl.support.Refusal;
import io.trawl.job.repository.CreatedAtKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Webhook subscriptions of a tenant: CRUD, secret rotation, the delivery log and redelivery. */
@ApplicationScoped
public class WebhookService {

    /** A page of deliveries with every attempt of each. */
    public record DeliveryPage(List<DeliveryRecord> deliveries, Map<Long, List<AttemptRecord>> attempts) {
    }

    private static final Map<String, List<String>> STATUS_FILTER = Map.of("pending", List.of("pending", "sending"),
            "delivered", List.of("delivered"), "failed", List.of("failed"));

    private final WebhookRepository webhooks;
    private final DeliveryRepository deliveries;
    private final WebhookSenders senders;
    private final WebhookConfig config;
    private final Clock clock;

    public WebhookService(WebhookRepository webhooks, DeliveryRepository deliveries, WebhookSenders senders,
            WebhookConfig config, Clock clock) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.senders = senders;
        this.config = config;
        this.clock = clock;
    }

    public Uni<WebhookRecord> create(String tenant, String body) {
        WebhookRequest request = WebhookRequest.forCreate(body);
        return checkTarget(request.url().orElseThrow())
                .chain(() -> request.jobId().map(job -> webhooks.jobExists(tenant, job).invoke(exists -> {
                    if (!exists) {
                        throw new Refusal.InvalidInput("jobId", "is not a job of this tenant");
                    }
                }).replaceWithVoid()).orElse(Uni.createFrom().voidItem()))
                .chain(() -> webhooks.insert(tenant, request, WebhookSecret.generate()));
    }

    /** The tenant's subscriptions, newest first, after {@code after} (null: from the newest). */
    public Uni<List<WebhookRecord>> list(String tenant, CreatedAtKey after, int limit) {
        return webhooks.list(tenant, after, limit);
    }

    public Uni<WebhookRecord> get(String tenant, UUID id) {
        return webhooks.find(tenant, id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<WebhookRecord> update(String tenant, UUID id, String body) {
        WebhookRequest patch = WebhookRequest.forPatch(body);
        return get(tenant, id)
                .chain(existing -> patch.url().map(this::checkTarget).orElse(Uni.createFrom().voidItem()))
                .chain(() -> webhooks.update(tenant, id, patch))
                .map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<Void> delete(String tenant, UUID id) {
        return webhooks.delete(tenant, id).invoke(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
        }).replaceWithVoid();
    }

    /** A new secret (returned once); the old one keeps signing alongside it for the grace period. */
    public Uni<WebhookRecord> rotateSecret(String tenant, UUID id) {
        return webhooks.rotate(tenant, id, WebhookSecret.generate(), clock.instant().plus(config.previousSecretGrace()))
                .map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<DeliveryPage> deliveries(String tenant, UUID id, String status, long beforeId, int limit) {
        Optional<List<String>> statuses = Optional.empty();
        if (status != null && !status.isBlank()) {
            List<String> wanted = STATUS_FILTER.get(status.strip());
            if (wanted == null) {
                throw new Refusal.InvalidInput("status", "must be one of pending, delivered, failed");
            }
            statuses = Optional.of(wanted);
        }
        Optional<List<String>> filter = statuses;
        return get(tenant, id)
                .chain(webhook -> deliveries.list(webhook.id(), filter, beforeId, limit))
                .chain(rows -> deliveries.attempts(rows.stream().map(DeliveryRecord::id).toList())
                        .map(attempts -> new DeliveryPage(rows, attempts)));
    }

    public Uni<DeliveryRecord> redeliver(String tenant, UUID id, long deliveryId) {
        return get(tenant, id)
                .chain(webhook -> deliveries.redeliver(webhook.id(), deliveryId, clock.instant())
                        .chain(done -> done.isPresent() ? Uni.createFrom().item(done.get())
                                : deliveries.find(webhook.id(), deliveryId).map(found -> {
                                    if (found.isEmpty()) {
                                        throw new Refusal.NotFound("no delivery " + deliveryId + " of webhook " + id);
                                    }
                                    throw new Refusal.Conflict("delivery " + deliveryId
                                            + " is being sent right now; try again when this attempt has ended");
                                })));
    }

    /** The URL's host must pass the address guard now (it is checked again, and pinned, on every attempt). */
    private Uni<Void> checkTarget(URI url) {
        String host = WebhookClient.host(url);
        return Uni.createFrom().item(() -> {
            try {
                senders.guard().resolve(host);
                return null;
            } catch (BlockedAddressException e) {
                throw new Refusal.InvalidInput("url", "is not allowed: " + e.getMessage()
                        + "; an operator can allow-list the network with TRAWL_WEBHOOK_ALLOW_NETWORKS");
            } catch (UnknownHostException | RuntimeException e) {
                throw new Refusal.InvalidInput("url", "names a host that does not resolve: " + host);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).replaceWithVoid();
    }

    private static Refusal notFound(UUID id) {
        return new Refusal.NotFound("no webhook " + id);
    }
}
