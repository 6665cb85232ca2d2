package io.trawl.job.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.SeedExpander;
import io.trawl.common.task.TaskWriter;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.job.domain.Refusal;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobRepository;
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

    private final JobRepository jobs;

    public JobCreator(JobRepository jobs) {
        this.jobs = jobs;
    }

    public Uni<Committed<Created>> create(SqlConnection tx, String tenant, JobSpec spec, String idempotencyKey,
            UUID scheduleId, Instant fireTime) {
        String specJson = WireJson.encodeString(spec);
        String requestHash = sha256(specJson);
        List<CanonicalUrl> seeds = SeedExpander.expand(spec);
        JobRepository.NewJob row = new JobRepository.NewJob(UUID.randomUUID(), tenant, spec.name(), specJson,
                requestHash, spec.priority(), spec.limits().perHostConcurrency(), spec.limits().perHostDelayMs(),
                idempotencyKey, scheduleId, fireTime);
        return jobs.insert(tx, row).onItem().transformToUni(inserted -> inserted
                .map(job -> TaskWriter.insert(tx, job.id(), seeds, 0, null, spec.limits().maxAttempts(),
                                spec.crawl().maxPages())
                        .onItem().transformToUni(n -> EventLog.append(tx, job.id(),
                                Events.jobCreated(spec.name(), n, spec.priority(), scheduleId, fireTime)))
                        .onItem().transformToUni(events -> jobs.get(tx, job.id())
                                .onItem().transform(created -> new Committed<>(new Created(created, false), events))))
                .orElseGet(() -> existing(tx, tenant, idempotencyKey, requestHash)));
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
