package io.trawl.job.webhook;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns new {@code job_events} into delivery rows: for one subscription at a time (locked with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas take different ones), reads each job's events past the
 * subscription's cursor, records a delivery for every event of a wanted type and moves the cursors to the
 * last event read — all in one transaction, so an event is either recorded and passed, or neither.
 */
public class WebhookFanOut {

    private final Pool pool;
    private final WebhookRepository webhooks;
    private final DeliveryRepository deliveries;
    private final int jobsPerStep;
    private final int eventsPerJob;

    public WebhookFanOut(Pool pool, WebhookRepository webhooks, DeliveryRepository deliveries, int jobsPerStep,
            int eventsPerJob) {
        this.pool = pool;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.jobsPerStep = jobsPerStep;
        this.eventsPerJob = eventsPerJob;
    }

    /** One pass over every enabled subscription; returns how many events were read. */
    public Uni<Integer> run(Instant now) {
        List<UUID> handled = new ArrayList<>();
        return step(handled, now, 0);
    }

    private Uni<Integer> step(List<UUID> handled, Instant now, int total) {
        return pool.withTransaction(tx -> webhooks.lockNextForFanOut(tx, handled)
                        .chain(found -> found.isEmpty() ? Uni.createFrom().item(-1)
                                : fanOut(tx, found.get(), now).invoke(() -> handled.add(found.get().id()))))
                .chain(n -> n < 0 ? Uni.createFrom().item(total) : step(handled, now, total + n));
    }

    private Uni<Integer> fanOut(SqlConnection tx, WebhookRecord webhook, Instant now) {
        return webhooks.newEvents(tx, webhook, jobsPerStep, eventsPerJob).chain(events -> {
            Map<UUID, Long> cursors = new LinkedHashMap<>();
            List<UUID> jobIds = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            List<String> types = new ArrayList<>();
            int read = 0;
            for (WebhookRepository.NewEvent e : events) {
                if (e.seq() == null) {
                    cursors.merge(e.jobId(), e.jobSeq(), Math::max); // nothing stored past the cursor: catch up
                    continue;
                }
                read++;
                cursors.merge(e.jobId(), e.seq(), Math::max);
                if (webhook.events().contains(e.type())) {
                    jobIds.add(e.jobId());
                    seqs.add(e.seq());
                    types.add(e.type());
                }
            }
            int n = read;
            return deliveries.insert(tx, webhook.id(), jobIds, seqs, types, now)
                    .chain(() -> webhooks.advanceCursors(tx, webhook.id(), List.copyOf(cursors.keySet()),
                            List.copyOf(cursors.values())))
                    .replaceWith(n);
        });
    }
}
