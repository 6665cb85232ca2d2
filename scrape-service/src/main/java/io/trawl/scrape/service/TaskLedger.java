package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.state.Backoff;
import io.trawl.common.task.TaskWriter;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.repository.ClaimedTask;
import io.trawl.scrape.repository.TaskRepository;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The worker's transactions, one per state change, each appending its events in the same transaction
 * ({@link EventLog}) and locking the job row before any task row. Callers publish the returned events after
 * the commit. Outcome writes are lease-guarded: when the task is no longer ours (reaped, killed) they change
 * nothing and return no events.
 */
@ApplicationScoped
public class TaskLedger {

    /** The result of a claim: the task when it is ours now, else why not. */
    public record Claim(Optional<ClaimedTask> task, String skipReason) {
        static Committed<Claim> skipped(String reason) {
            return Committed.quiet(new Claim(Optional.empty(), reason));
        }
    }

    /** A successful page: its final URL, status, size, items (JSON objects) and links to insert. */
    public record PageOutcome(String url, int httpStatus, long bytes, long durationMs, List<String> itemsJson,
            List<io.trawl.common.url.CanonicalUrl> links) {
    }

    /** A failed attempt. */
    public record FailedAttempt(String error, Integer httpStatus, boolean retryable, Duration minDelay) {
    }

    /** What a failure write did. */
    public enum FailureResult { RETRYING, FAILED, NOT_OURS }

    private final Pool pool;
    private final TaskRepository tasks;
    private final Backoff backoff;
    private final long leaseMs;

    public TaskLedger(Pool pool, TaskRepository tasks, Backoff backoff, ScrapeConfig config) {
        this.pool = pool;
        this.tasks = tasks;
        this.backoff = backoff;
        this.leaseMs = config.worker().lease().toMillis();
    }

    /** Claims the task for {@code worker}: only while its job is running and the task is queued. */
    public Uni<Committed<Claim>> claim(TaskMessage message, String worker) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, message.jobId()).chain(status -> {
            if (status.isEmpty()) {
                return Uni.createFrom().item(Claim.skipped("job does not exist"));
            }
            if (!status.get().equals("running")) {
                return Uni.createFrom().item(Claim.skipped("job is " + status.get()));
            }
            return tasks.claim(tx, message.taskId(), message.jobId(), worker, UUID.randomUUID(), leaseMs)
                    .chain(claimed -> claimed.isEmpty()
                            ? Uni.createFrom().item(Claim.skipped("task is not queued"))
                            : EventLog.append(tx, message.jobId(), Events.taskStarted(claimed.get().id(),
                                            claimed.get().url(), claimed.get().attempt(), worker))
                                    .onItem().transform(events -> new Committed<>(new Claim(claimed, null), events)));
        }));
    }

    /**
     * ONE transaction: the task succeeded, its items, its links as new pending tasks (maxPages, dedup), the
     * job's counters and task.succeeded.
     */
    public Uni<List<EventEnvelope>> succeed(ClaimedTask task, JobRules rules, PageOutcome page) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, task.jobId())
                .chain(() -> tasks.succeed(tx, task, page.httpStatus()))
                .chain(ours -> {
                    if (!ours) {
                        return Uni.createFrom().item(List.<EventEnvelope>of());
                    }
                    return tasks.insertItems(tx, task, page.url(), page.itemsJson())
                            .chain(items -> insertLinks(tx, task, rules, page)
                                    .chain(links -> tasks.countDone(tx, task.jobId(), items)
                                            .chain(() -> EventLog.append(tx, task.jobId(), Events.taskSucceeded(
                                                    task.id(), task.url(), page.httpStatus(), items, links,
                                                    page.durationMs(), page.bytes())))));
                }));
    }

    private Uni<Integer> insertLinks(io.vertx.mutiny.sqlclient.SqlConnection tx, ClaimedTask task, JobRules rules,
            PageOutcome page) {
        if (page.links().isEmpty() || task.depth() >= rules.page().maxDepth()) {
            return Uni.createFrom().item(0);
        }
        return TaskWriter.insert(tx, task.jobId(), page.links(), task.depth() + 1, task.id(),
                rules.spec().limits().maxAttempts(), rules.spec().crawl().maxPages());
    }

    /**
     * A failed attempt: back to pending with backoff (task.retrying) while it is retryable and attempts remain,
     * else failed (task.failed, tasks_failed + 1).
     */
    public Uni<Committed<FailureResult>> fail(ClaimedTask task, FailedAttempt failure) {
        boolean retry = failure.retryable() && task.attempt() < task.maxAttempts();
        return pool.withTransaction(tx -> tasks.lockJob(tx, task.jobId()).chain(() -> {
            if (retry) {
                Duration delay = backoff.delay(task.attempt(), ThreadLocalRandom.current());
                if (failure.minDelay() != null && failure.minDelay().compareTo(delay) > 0) {
                    delay = failure.minDelay();
                }
                return tasks.retry(tx, task, delay.toMillis(), failure.error(), failure.httpStatus())
                        .chain(next -> next.isEmpty() ? Uni.createFrom().item(Committed.quiet(FailureResult.NOT_OURS))
                                : EventLog.append(tx, task.jobId(), Events.taskRetrying(task.id(), task.url(),
                                                task.attempt(), failure.error(), next.get()))
                                        .onItem().transform(e -> new Committed<>(FailureResult.RETRYING, e)));
            }
            return tasks.fail(tx, task, failure.error(), failure.httpStatus()).chain(ours -> !ours
                    ? Uni.createFrom().item(Committed.quiet(FailureResult.NOT_OURS))
                    : tasks.countFailed(tx, task.jobId())
                            .chain(() -> EventLog.append(tx, task.jobId(), Events.taskFailed(task.id(), task.url(),
                                    task.attempt(), failure.error(), failure.httpStatus())))
                            .onItem().transform(e -> new Committed<>(FailureResult.FAILED, e)));
        }));
    }

    /** Hands a claimed task back (pause, shutdown): pending, attempt refunded, task.cancelled requeued. */
    public Uni<List<EventEnvelope>> requeue(ClaimedTask task, CancelReason reason) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, task.jobId())
                .chain(() -> tasks.requeue(tx, task))
                .chain(ours -> !ours ? Uni.createFrom().item(List.<EventEnvelope>of())
                        : EventLog.append(tx, task.jobId(),
                                Events.taskCancelled(task.id(), task.url(), reason.wire(), true))));
    }

    /** A dead-lettered message's task fails (unless finished or held by a live lease elsewhere). */
    public Uni<List<EventEnvelope>> failDeadLettered(long taskId, UUID jobId, String error) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, jobId).chain(status -> status.isEmpty()
                ? Uni.createFrom().item(List.<EventEnvelope>of())
                : tasks.failDeadLettered(tx, taskId, jobId, error).chain(row -> row.isEmpty()
                        ? Uni.createFrom().item(List.<EventEnvelope>of())
                        : tasks.countFailed(tx, jobId).chain(() -> EventLog.append(tx, jobId, Events.taskFailed(taskId,
                                row.get().getString("url"), row.get().getInteger("attempt"), error, null))))));
    }

    /** Encodes one extracted item as the JSON stored in items.data. */
    public static String itemJson(java.util.Map<String, String> item) {
        return WireJson.encodeString(item);
    }
}
