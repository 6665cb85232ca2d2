package io.trawl.job.webhook;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code trawl.webhook_deliveries} and {@code trawl.webhook_attempts}. */
@ApplicationScoped
public class DeliveryRepository {

    /** A delivery claimed for one attempt, with its event as stored (null when retention purged it). */
    public record Claimed(DeliveryRecord delivery, UUID leaseToken, EventEnvelope event) {
    }

    /** What an attempt ended in, to be written under the claim's lease. */
    public record Outcome(String status, Instant nextAttemptAt, int retries, Integer statusCode, String error) {
    }

    /**
     * Due deliveries that are the oldest open one of their (subscription, job) — or manual redeliveries — of
     * enabled subscriptions, including claims whose lease ran out (a sender that died mid-attempt). Locked
     * rows are skipped, so concurrent senders split the work; the open-predecessor check keeps at most one
     * attempt per (subscription, job) in flight, which is what keeps each job's events in order.
     */
    private static final String CLAIM = "UPDATE trawl.webhook_deliveries d SET status = 'sending', lease_owner = $1, "
            + "lease_token = $2, lease_expires_at = $3, attempts = d.attempts + 1 "
            + "FROM (SELECT d.id FROM trawl.webhook_deliveries d JOIN trawl.webhooks w ON w.id = d.webhook_id "
            + "WHERE w.enabled AND d.status IN ('pending', 'sending') "
            + "AND ((d.status = 'pending' AND d.next_attempt_at <= $4) OR (d.status = 'sending' AND d.lease_expires_at < $4)) "
            + "AND (d.redelivery OR NOT EXISTS (SELECT 1 FROM trawl.webhook_deliveries p WHERE p.webhook_id = d.webhook_id "
            + "AND p.job_id = d.job_id AND p.seq < d.seq AND p.status IN ('pending', 'sending') AND NOT p.redelivery)) "
            + "ORDER BY d.next_attempt_at, d.id LIMIT $5 FOR UPDATE OF d SKIP LOCKED) due "
            + "WHERE d.id = due.id RETURNING d.id, d.webhook_id, d.job_id, d.seq, d.type, d.status, d.redelivery, "
            + "d.attempts, d.retries, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.finished_at";

    private static final String EVENTS = "SELECT e.job_id, e.seq, e.type, e.data::text AS data, e.created_at "
            + "FROM trawl.job_events e JOIN unnest($1::uuid[], $2::bigint[]) AS x(job, seq) "
            + "ON e.job_id = x.job AND e.seq = x.seq";

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Records one delivery per wanted event; an event already recorded for the subscription is skipped. */
    public Uni<Void> insert(SqlConnection tx, UUID webhookId, List<UUID> jobIds, List<Long> seqs, List<String> types,
            Instant now) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("INSERT INTO trawl.webhook_deliveries (webhook_id, job_id, seq, type, next_attempt_at) "
                        + "SELECT $1, x.job, x.seq, x.type, $5 FROM unnest($2::uuid[], $3::bigint[], $4::text[]) "
                        + "AS x(job, seq, type) ON CONFLICT ON CONSTRAINT webhook_deliveries_event DO NOTHING")
                .execute(Tuple.of(webhookId, jobIds.toArray(UUID[]::new), seqs.toArray(Long[]::new),
                        types.toArray(String[]::new), Sql.utc(now)))
                .replaceWithVoid();
    }

    /** Claims up to {@code limit} due deliveries for {@code owner} until {@code now + lease}. */
    public Uni<List<Claimed>> claim(String owner, Instant now, Duration lease, int limit) {
        UUID token = UUID.randomUUID();
        return pool.withTransaction(tx -> tx.preparedQuery(CLAIM)
                .execute(Tuple.of(owner, token, Sql.utc(now.plus(lease)), Sql.utc(now), limit))
                .map(rows -> Sql.all(rows, DeliveryRecord::from)))
                .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(List.<Claimed>of())
                        : events(claimed).map(events -> claimed.stream().map(d -> new Claimed(d, token,
                                events.get(DeliveryRecord.messageId(d.jobId(), d.seq())))).toList()));
    }

    private Uni<Map<String, EventEnvelope>> events(List<DeliveryRecord> deliveries) {
        return pool.preparedQuery(EVENTS)
                .execute(Tuple.of(deliveries.stream().map(DeliveryRecord::jobId).toArray(UUID[]::new),
                        deliveries.stream().map(DeliveryRecord::seq).toArray(Long[]::new)))
                .map(rows -> {
                    Map<String, EventEnvelope> byId = new HashMap<>();
                    for (Row row : rows) {
                        UUID jobId = row.getUUID("job_id");
                        byId.put(DeliveryRecord.messageId(jobId, row.getLong("seq")), EventLog.toEnvelope(jobId, row));
                    }
                    return byId;
                });
    }

    /**
     * Writes an attempt and its outcome if the claim still holds (same lease token, still sending); a claim
     * another sender took over after the lease ran out writes nothing.
     *
     * @return true when written
     */
    public Uni<Boolean> record(SqlConnection tx, Claimed claimed, AttemptRecord attempt, Outcome outcome, Instant now) {
        boolean done = !outcome.status().equals("pending");
        return tx.preparedQuery("UPDATE trawl.webhook_deliveries SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), "
                        + "retries = $5, last_status_code = $6, last_error = $7, finished_at = $8, lease_owner = NULL, "
                        + "lease_token = NULL, lease_expires_at = NULL, redelivery = redelivery AND NOT $9 "
                        + "WHERE id = $1 AND lease_token = $2 AND status = 'sending'")
                .execute(Tuple.from(new Object[] {claimed.delivery().id(), claimed.leaseToken(), outcome.status(),
                        Sql.utc(outcome.nextAttemptAt()), outcome.retries(), outcome.statusCode(), outcome.error(),
                        done ? Sql.utc(now) : null, done}))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : tx.preparedQuery("INSERT INTO trawl.webhook_attempts (delivery_id, attempt, request_id, "
                                        + "started_at, duration_ms, status_code, error, next_attempt_at) "
                                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                                .execute(Tuple.from(new Object[] {claimed.delivery().id(), attempt.attempt(),
                                        attempt.requestId(), Sql.utc(attempt.startedAt()), attempt.durationMs(),
                                        attempt.statusCode(), attempt.error(), Sql.utc(attempt.nextAttemptAt())}))
                                .replaceWith(true));
    }

    /** A page of a subscription's deliveries, newest first, optionally of one status. */
    public Uni<List<DeliveryRecord>> list(UUID webhookId, Optional<List<String>> statuses, long beforeId, int limit) {
        return pool.preparedQuery("SELECT " + DeliveryRecord.COLUMNS + " FROM trawl.webhook_deliveries "
                        + "WHERE webhook_id = $1 AND ($2::text[] IS NULL OR status = ANY($2)) AND id < $3 "
                        + "ORDER BY id DESC LIMIT $4")
                .execute(Tuple.of(webhookId, statuses.map(s -> s.toArray(String[]::new)).orElse(null), beforeId, limit))
                .map(rows -> Sql.all(rows, DeliveryRecord::from));
    }

    /** Every attempt of the given deliveries, oldest first, by delivery id. */
    public Uni<Map<Long, List<AttemptRecord>>> attempts(List<Long> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT " + AttemptRecord.COLUMNS + " FROM trawl.webhook_attempts "
                        + "WHERE delivery_id = ANY($1) ORDER BY delivery_id, id")
                .execute(Tuple.of(deliveryIds.toArray(Long[]::new)))
                .map(rows -> {
                    Map<Long, List<AttemptRecord>> byDelivery = new HashMap<>();
                    for (Row row : rows) {
                        byDelivery.computeIfAbsent(row.getLong("delivery_id"), k -> new java.util.ArrayList<>())
                                .add(AttemptRecord.from(row));
                    }
                    return byDelivery;
                });
    }

    /**
     * Queues a delivery again now: a finished one as a manual redelivery with a fresh retry schedule, a
     * pending one by moving its next attempt to now. One being sent right now is left alone (empty).
     */
    public Uni<Optional<DeliveryRecord>> redeliver(UUID webhookId, long id, Instant now) {
        return pool.preparedQuery("UPDATE trawl.webhook_deliveries SET "
                        + "redelivery = (status IN ('delivered', 'failed')) OR redelivery, "
                        + "retries = CASE WHEN status IN ('delivered', 'failed') THEN 0 ELSE retries END, "
                        + "status = 'pending', next_attempt_at = $3, finished_at = NULL "
                        + "WHERE id = $1 AND webhook_id = $2 AND status <> 'sending' RETURNING " + DeliveryRecord.COLUMNS)
                .execute(Tuple.of(id, webhookId, Sql.utc(now)))
                .map(rows -> Sql.first(rows, DeliveryRecord::from));
    }

    public Uni<Optional<DeliveryRecord>> find(UUID webhookId, long id) {
        return pool.preparedQuery("SELECT " + DeliveryRecord.COLUMNS + " FROM trawl.webhook_deliveries "
                        + "WHERE id = $1 AND webhook_id = $2").execute(Tuple.of(id, webhookId))
                .map(rows -> Sql.first(rows, DeliveryRecord::from));
    }

    /** Open deliveries per subscription (pending or being sent): the backlog gauge. */
    public Uni<Map<UUID, Long>> backlog() {
        return pool.query("SELECT webhook_id, count(*) AS n FROM trawl.webhook_deliveries "
                        + "WHERE status IN ('pending', 'sending') GROUP BY webhook_id").execute()
                .map(rows -> {
                    Map<UUID, Long> counts = new HashMap<>();
                    for (Row row : rows) {
                        counts.put(row.getUUID("webhook_id"), row.getLong("n"));
                    }
                    return counts;
                });
    }
}
