package io.trawl.job.webhook;

import io.trawl.job.repository.CreatedAtKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code trawl.webhooks} and {@code trawl.webhook_cursors}. */
@ApplicationScoped
public class WebhookRepository {

    /** A new event of a job a subscription has not handled yet (the job's head seq comes along). */
    public record NewEvent(UUID jobId, long jobSeq, Long seq, String type) {
    }

    private final Pool pool;

    public WebhookRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a subscription and starts its cursors at the present: for every job already in its scope the
     * cursor is the job's current seq, so only events appended from now on are delivered.
     */
    public Uni<WebhookRecord> insert(String tenant, WebhookRequest request, String secret) {
        UUID id = UUID.randomUUID();
        UUID jobId = request.jobId().orElse(null);
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO trawl.webhooks (id, tenant, url, events, job_id, "
                        + "description, enabled, secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + WebhookRecord.COLUMNS)
                .execute(Tuple.from(new Object[] {id, tenant, request.url().orElseThrow().toString(),
                        request.events().orElseThrow().toArray(String[]::new), jobId, request.description().orElse(null),
                        request.enabled().orElse(true), secret}))
                .chain(rows -> tx.preparedQuery("INSERT INTO trawl.webhook_cursors (webhook_id, job_id, seq) "
                                + "SELECT $1, j.id, j.event_seq FROM trawl.jobs j WHERE j.tenant = $2 "
                                + "AND ($3::uuid IS NULL OR j.id = $3) AND j.event_seq > 0")
                        .execute(Tuple.of(id, tenant, jobId))
                        .replaceWith(WebhookRecord.from(rows.iterator().next()))));
    }

    public Uni<Boolean> jobExists(String tenant, UUID jobId) {
        return pool.preparedQuery("SELECT 1 FROM trawl.jobs WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(jobId, tenant)).map(rows -> rows.size() > 0);
    }

    public Uni<Optional<WebhookRecord>> find(String tenant, UUID id) {
        return pool.preparedQuery("SELECT " + WebhookRecord.COLUMNS + " FROM trawl.webhooks WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(id, tenant)).map(rows -> Sql.first(rows, WebhookRecord::from));
    }

    /** A page of the tenant's subscriptions, newest first, after ({@code afterCreated}, {@code afterId}). */
    public Uni<List<WebhookRecord>> list(String tenant, CreatedAtKey after, int limit) {
        String sql = "SELECT " + WebhookRecord.COLUMNS + " FROM trawl.webhooks WHERE tenant = $1"
                + (after == null ? "" : " AND (created_at, id) < ($3, $4)") + " ORDER BY created_at DESC, id DESC LIMIT $2";
        Tuple args = Tuple.of(tenant, limit);
        if (after != null) {
            args.addValue(Sql.utc(after.createdAt())).addValue(after.id());
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> Sql.all(rows, WebhookRecord::from));
    }

    /** Applies the fields a PATCH names; enabling clears the reason it was disabled. */
    public Uni<Optional<WebhookRecord>> update(String tenant, UUID id, WebhookRequest patch) {
        return pool.preparedQuery("UPDATE trawl.webhooks SET url = coalesce($3, url), events = coalesce($4, events), "
                        + "description = CASE WHEN $5 THEN $6 ELSE description END, enabled = coalesce($7, enabled), "
                        + "disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END, updated_at = now() "
                        + "WHERE id = $1 AND tenant = $2 RETURNING " + WebhookRecord.COLUMNS)
                .execute(Tuple.from(new Object[] {id, tenant, patch.url().map(Object::toString).orElse(null),
                        patch.events().map(e -> e.toArray(String[]::new)).orElse(null), patch.description().isPresent(),
                        patch.description().orElse(null), patch.enabled().orElse(null)}))
                .map(rows -> Sql.first(rows, WebhookRecord::from));
    }

    /** Deletes the subscription with its cursors, deliveries and attempts. */
    public Uni<Boolean> delete(String tenant, UUID id) {
        return pool.preparedQuery("DELETE FROM trawl.webhooks WHERE id = $1 AND tenant = $2")
                .execute(Tuple.of(id, tenant)).map(rows -> rows.rowCount() > 0);
    }

    /** A new secret; the current one keeps signing until {@code previousUntil}. */
    public Uni<Optional<WebhookRecord>> rotate(String tenant, UUID id, String secret, Instant previousUntil) {
        return pool.preparedQuery("UPDATE trawl.webhooks SET previous_secret = secret, previous_until = $3, secret = $4, "
                        + "updated_at = now() WHERE id = $1 AND tenant = $2 RETURNING " + WebhookRecord.COLUMNS)
                .execute(Tuple.of(id, tenant, Sql.utc(previousUntil), secret))
                .map(rows -> Sql.first(rows, WebhookRecord::from));
    }

    /** Turns a subscription off from the sender's side (a 410 from its receiver). */
    public Uni<Void> disable(SqlConnection tx, UUID id, String reason) {
        return tx.preparedQuery("UPDATE trawl.webhooks SET enabled = false, disabled_reason = $2, updated_at = now() "
                        + "WHERE id = $1").execute(Tuple.of(id, reason)).replaceWithVoid();
    }

    public Uni<Optional<WebhookRecord>> findById(UUID id) {
        return pool.preparedQuery("SELECT " + WebhookRecord.COLUMNS + " FROM trawl.webhooks WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> Sql.first(rows, WebhookRecord::from));
    }

    /** Locks one enabled subscription for fan-out, skipping those another replica holds or this round did. */
    public Uni<Optional<WebhookRecord>> lockNextForFanOut(SqlConnection tx, List<UUID> handled) {
        return tx.preparedQuery("SELECT " + WebhookRecord.COLUMNS + " FROM trawl.webhooks WHERE enabled "
                        + "AND NOT (id = ANY($1)) ORDER BY updated_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(handled.toArray(UUID[]::new))).map(rows -> Sql.first(rows, WebhookRecord::from));
    }

    /**
     * The events of jobs in the subscription's scope that its cursors have not passed: up to {@code jobs} jobs
     * and {@code perJob} events each, in seq order per job. A job ahead of its cursor without any stored event
     * (events purged by retention) comes back once with a null seq, so its cursor can catch up.
     */
    public Uni<List<NewEvent>> newEvents(SqlConnection tx, WebhookRecord webhook, int jobs, int perJob) {
        return tx.preparedQuery("SELECT j.id AS job_id, j.event_seq, e.seq, e.type FROM ("
                        + "SELECT j.id, j.event_seq, coalesce(c.seq, 0) AS cursor FROM trawl.jobs j "
                        + "LEFT JOIN trawl.webhook_cursors c ON c.webhook_id = $1 AND c.job_id = j.id "
                        + "WHERE j.tenant = $2 AND ($3::uuid IS NULL OR j.id = $3) AND j.event_seq > coalesce(c.seq, 0) "
                        + "ORDER BY j.id LIMIT $4) j "
                        + "LEFT JOIN LATERAL (SELECT seq, type FROM trawl.job_events e WHERE e.job_id = j.id "
                        + "AND e.seq > j.cursor ORDER BY seq LIMIT $5) e ON true ORDER BY j.id, e.seq")
                .execute(Tuple.of(webhook.id(), webhook.tenant(), webhook.jobId(), jobs, perJob))
                .map(rows -> Sql.all(rows, r -> new NewEvent(r.getUUID("job_id"), r.getLong("event_seq"),
                        r.getLong("seq"), r.getString("type"))));
    }

    /** Moves the subscription's cursors forward (never back). */
    public Uni<Void> advanceCursors(SqlConnection tx, UUID webhookId, List<UUID> jobIds, List<Long> seqs) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("INSERT INTO trawl.webhook_cursors (webhook_id, job_id, seq) "
                        + "SELECT $1, x.job, x.seq FROM unnest($2::uuid[], $3::bigint[]) AS x(job, seq) "
                        + "ON CONFLICT (webhook_id, job_id) DO UPDATE SET seq = greatest(trawl.webhook_cursors.seq, EXCLUDED.seq)")
                .execute(Tuple.of(webhookId, jobIds.toArray(UUID[]::new), seqs.toArray(Long[]::new)))
                .replaceWithVoid();
    }
}
