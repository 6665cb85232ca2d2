package io.trawl.job.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.common.spec.SeedBatches;
import io.trawl.common.task.TaskWriter;
import io.trawl.support.Refusal;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobRepository;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates a job inside the caller's transaction: the job row, its seed tasks and its {@code job.created}
 * event, or — for a repeated idempotency key (or schedule fire) — the job that already exists. The one
 * create path of {@code POST /jobs} and of schedules.
 */
@ApplicationScoped
public class JobCreator {

    /** The outcome: the job, and whether it already existed. */
    public record Created(JobRecord job, boolean replayed) {
    }

    /** Seeds expanded and inserted per round trip: small enough to keep each event-loop turn short. */
    static final int SEED_BATCH = 1_000;

    private final JobRepository jobs;

    public JobCreator(JobRepository jobs) {
        this.jobs = jobs;
    }

    public Uni<Committed<Created>> create(SqlConnection tx, String tenant, JobSpec spec, String idempotencyKey,
            UUID scheduleId, Instant fireTime) {
        String specJson = WireJson.encodeString(spec);
        String requestHash = sha256(specJson);
        JobRepository.NewJob row = new JobRepository.NewJob(UUID.randomUUID(), tenant, spec.name(), specJson,
                requestHash, spec.priority(), spec.limits().perHostConcurrency(), spec.limits().perHostDelayMs(),
                idempotencyKey, scheduleId, fireTime);
        return jobs.insert(tx, row).onItem().transformToUni(inserted -> inserted
                .map(job -> insertSeeds(tx, job.id(), spec, new SeedBatches(spec), Vertx.currentContext(), 0)
                        .onItem().transformToUni(n -> EventLog.append(tx, job.id(),
                                Events.jobCreated(spec.name(), n, spec.priority(), scheduleId, fireTime)))
                        .onItem().transformToUni(events -> jobs.get(tx, job.id())
                                .onItem().transform(created -> new Committed<>(new Created(created, false), events))))
                .orElseGet(() -> existing(tx, tenant, idempotencyKey, requestHash)));
    }

    /**
     * Expands and validates the next batch of seeds on a worker thread (a template can expand to
     * {@value JobSpecParser#MAX_SEEDS} URLs of up to 2 KB), then inserts it on the caller's event loop, in
     * the same transaction; repeats until every seed is written. An invalid expansion fails the transaction,
     * so nothing of the job is kept.
     *
     * @return how many tasks were created
     */
    private Uni<Integer> insertSeeds(SqlConnection tx, UUID jobId, JobSpec spec, SeedBatches batches, Context loop,
            int created) {
        return Uni.createFrom().item(() -> batches.next(SEED_BATCH))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(loop == null ? Runnable::run : command -> loop.runOnContext(v -> command.run()))
                .chain(batch -> batch.isEmpty()
                        ? Uni.createFrom().item(created)
                        : TaskWriter.insertSeeds(tx, jobId, batch, spec.limits().maxAttempts())
                                .chain(n -> insertSeeds(tx, jobId, spec, batches, loop, created + n)));
    }

    private Uni<Committed<Created>> existing(SqlConnection tx, String tenant, String idempotencyKey, String requestHash) {
        if (idempotencyKey == null) {
            return Uni.createFrom().failure(new Refusal.Conflict("this schedule fire already has a job"));
        }
        return jobs.findByIdempotencyKey(tx, tenant, idempotencyKey).onItem().transform((Optional<JobRecord> found) -> {
            JobRecord job = found.orElseThrow(() -> new Refusal.Conflict(
                    "a request with this Idempotency-Key is being processed; retry"));
            if (!job.requestHash().equals(requestHash)) {
                throw new Refusal.Mismatch(
                        "Idempotency-Key was already used with a different request body (job " + job.id() + ")");
            }
            return Committed.quiet(new Created(job, true));
        });
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
