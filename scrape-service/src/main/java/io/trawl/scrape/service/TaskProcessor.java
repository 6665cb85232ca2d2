package io.trawl.scrape.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.MalformedMessageException;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.spec.InvalidSpecException;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.messaging.EventPublisher;
import io.trawl.scrape.metrics.ScrapeMetrics;
import io.trawl.scrape.repository.ClaimedTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Processes one task message end to end (docs/architecture.md, "the worker contract"):
 * decode → claim (job running, task queued) → fetch and parse under a renewed lease, racing pause/kill →
 * record the outcome in one transaction → publish the events → politeness feedback → decide what happens
 * to the message. The message is acknowledged only after the outcome committed (or when there is nothing to
 * do); an undecodable message is rejected into the dead-letter queue. Never fails: every path ends in a
 * {@link Disposition}.
 */
@ApplicationScoped
public class TaskProcessor {

    /** What to do with the broker message once processing ended. */
    public enum Disposition {
        /** Acknowledge: the outcome is committed, or there was nothing to do. */
        ACK,
        /** Reject without requeue: the broker dead-letters it ({@code trawl.tasks.dead}). */
        REJECT,
        /** Leave it unacknowledged: this pod is stopping; the broker redelivers it when the channel closes. */
        HOLD
    }

    private final TaskLedger ledger;
    private final SpecCache specs;
    private final PageWork pages;
    private final LeaseKeeper leases;
    private final InFlightTasks inFlight;
    private final HostFeedback feedback;
    private final EventPublisher events;
    private final ScrapeMetrics metrics;
    private final WorkerIdentity worker;
    private final Duration dbRetryTimeout;
    private final GroupCommit<TaskMessage, Committed<TaskLedger.Claim>> claims;
    private final GroupCommit<TaskLedger.Success, List<EventEnvelope>> successes;
    private final Clock clock;
    private volatile boolean stopping;

    /**
     * Most claims, and most page outcomes, committed in one transaction (group commit: what arrives while a
     * transaction runs goes into the next one). The largest per-host concurrency a job may ask for.
     */
    static final int GROUP_COMMIT_MAX = io.trawl.common.spec.LimitsSpec.MAX_PER_HOST_CONCURRENCY;

    public TaskProcessor(TaskLedger ledger, SpecCache specs, PageWork pages, LeaseKeeper leases,
            InFlightTasks inFlight, HostFeedback feedback, EventPublisher events, ScrapeMetrics metrics,
            WorkerIdentity worker, ScrapeConfig config, Clock clock) {
        this.ledger = ledger;
        this.specs = specs;
        this.pages = pages;
        this.leases = leases;
        this.inFlight = inFlight;
        this.feedback = feedback;
        this.events = events;
        this.metrics = metrics;
        this.worker = worker;
        this.dbRetryTimeout = config.worker().dbRetryTimeout();
        // Each commit's events are published as soon as it commits, all of them at once, before any member goes
        // on: a member's continuation (a claim starts its fetch) would otherwise delay the events of the
        // members after it in the batch.
        this.claims = new GroupCommit<>(GROUP_COMMIT_MAX,
                messages -> ledger.claimAll(messages, worker.id())
                        .invoke(all -> events.publish(all.stream().flatMap(c -> c.events().stream()).toList())),
                message -> ledger.claim(message, worker.id()).invoke(c -> events.publish(c.events())),
                DbFailures::isTransient);
        this.successes = new GroupCommit<>(GROUP_COMMIT_MAX,
                outcomes -> ledger.succeedAll(outcomes)
                        .invoke(all -> events.publish(all.stream().flatMap(List::stream).toList())),
                page -> ledger.succeed(page.task(), page.rules(), page.page()).invoke(events::publish),
                DbFailures::isTransient);
        this.clock = clock;
    }

    /** Stop claiming: messages that arrive from now on are held (redelivered to another pod). */
    public void stop() {
        stopping = true;
    }

    /** Processes a message body; the returned disposition says how to settle the message. */
    public Uni<Disposition> process(byte[] body) {
        if (stopping) {
            return Uni.createFrom().item(Disposition.HOLD);
        }
        TaskMessage message;
        try {
            message = decode(body);
        } catch (MalformedMessageException e) {
            metrics.message("poison");
            Log.warnf("undecodable task message dead-lettered: %s", e.getMessage());
            return Uni.createFrom().item(Disposition.REJECT);
        }
        InFlightTasks.Ticket ticket = inFlight.open(message.taskId(), message.jobId());
        return withDbRetry(() -> claims.submit(message))
                .onItem().transformToUni(committed -> {
                    TaskLedger.Claim claim = committed.value(); // its events went out at the commit (above)
                    if (claim.task().isEmpty()) {
                        metrics.message("skipped");
                        Log.debugf("task %d not started: %s", message.taskId(), claim.skipReason());
                        return Uni.createFrom().item(Disposition.ACK);
                    }
                    ClaimedTask task = claim.task().get();
                    if (task.queuedAt() != null) {
                        metrics.queueWait(Duration.between(task.queuedAt(), clock.instant()));
                    }
                    return run(task, ticket);
                })
                .onFailure().recoverWithItem(failure -> {
                    if (DbFailures.isTransient(failure)) {
                        Log.warnf("task %d: Postgres unavailable for %s (%s); message dropped, the reaper re-dispatches "
                                + "the task", message.taskId(), dbRetryTimeout, failure.getMessage());
                        return Disposition.ACK;
                    }
                    Log.errorf(failure, "task %d cannot be claimed; dead-lettering its message", message.taskId());
                    return Disposition.REJECT;
                })
                .eventually(() -> inFlight.close(ticket));
    }

    private Uni<Disposition> run(ClaimedTask task, InFlightTasks.Ticket ticket) {
        if (ticket.reason().isPresent()) {
            return settleCancelled(task, ticket.reason().get());
        }
        return specs.rulesOf(task.jobId())
                .onItem().transform(rules -> (Object) rules)
                .onFailure(InvalidSpecException.class).recoverWithItem(failure -> failure)
                .onItem().transformToUni(loaded -> {
                    if (loaded instanceof InvalidSpecException invalid) {
                        return recordFailure(task, new Attempt.Failed("invalid job spec: " + invalid.getMessage(),
                                null, null, false, java.util.Optional.empty(), Duration.ZERO, 0));
                    }
                    JobRules rules = (JobRules) loaded;
                    Cancellable renewal = leases.keep(task, ticket);
                    return pages.run(task, rules, ticket)
                            .eventually(renewal::cancel)
                            .onItem().transformToUni(attempt -> record(task, rules, attempt));
                });
    }

    private Uni<Disposition> record(ClaimedTask task, JobRules rules, Attempt attempt) {
        if (attempt instanceof Attempt.Cancelled cancelled) {
            return settleCancelled(task, cancelled.reason());
        }
        if (attempt instanceof Attempt.Failed failed) {
            return recordFailure(task, failed);
        }
        if (attempt instanceof Attempt.Unavailable unavailable) {
            return handBack(task, unavailable);
        }
        Attempt.Fetched fetched = (Attempt.Fetched) attempt;
        var response = fetched.response();
        metrics.fetch("ok", response.elapsed(), response.wireBytes());
        List<String> items = fetched.page().items().stream().map(TaskLedger::itemJson).toList();
        TaskLedger.PageOutcome outcome = new TaskLedger.PageOutcome(response.url(), response.status(),
                response.wireBytes(), response.elapsed().toMillis(), items, fetched.page().links());
        return withDbRetry(() -> successes.submit(new TaskLedger.Success(task, rules, outcome)))
                .onItem().transform(committed -> { // its events went out at the commit (constructor)
                    if (committed.isEmpty()) {
                        metrics.page("abandoned");
                    } else {
                        metrics.page("succeeded");
                        metrics.items(items.size());
                    }
                    feedback.answered(task.host());
                    return Disposition.ACK;
                })
                .onFailure(failure -> !DbFailures.isTransient(failure))
                .recoverWithUni(failure -> recordFailure(task, new Attempt.Failed("cannot store the page: "
                        + failure.getMessage(), response.status(), null, false, java.util.Optional.empty(),
                        response.elapsed(), response.wireBytes())));
    }

    private Uni<Disposition> recordFailure(ClaimedTask task, Attempt.Failed failed) {
        metrics.fetch(failed.failure() == null ? (failed.httpStatus() == null ? "error" : "http-error")
                : failed.failure().slug(), failed.elapsed(), failed.bytes());
        Duration minDelay = failed.retryAfter().orElse(null);
        return withDbRetry(() -> ledger.fail(task, new TaskLedger.FailedAttempt(failed.error(), failed.httpStatus(),
                        failed.retryable(), minDelay)))
                .onItem().transform(committed -> {
                    metrics.page(switch (events.afterCommit(committed)) {
                        case RETRYING -> "retrying";
                        case FAILED -> "failed";
                        case NOT_OURS -> "abandoned";
                    });
                    politeness(task, failed);
                    return Disposition.ACK;
                });
    }

    /**
     * The page was not tried (this worker's browser did not start or attach): the task goes back to pending with
     * its attempt refunded, after a backoff delay (not at once: this worker may take it again), and
     * {@code task.cancelled {reason: "browser-unavailable", requeued: true}}.
     */
    private Uni<Disposition> handBack(ClaimedTask task, Attempt.Unavailable unavailable) {
        metrics.page("cancelled");
        Log.warnf("task %d handed back, its attempt not spent: %s", task.id(), unavailable.error());
        return withDbRetry(() -> ledger.handBack(task, CancelReason.BROWSER_UNAVAILABLE, unavailable.error()))
                .onItem().transform(committed -> {
                    publish(committed);
                    return Disposition.ACK;
                });
    }

    private void politeness(ClaimedTask task, Attempt.Failed failed) {
        if (failed.failure() == FetchFailure.TIMEOUT) {
            feedback.timedOut(task.host());
        } else if (failed.httpStatus() != null && (failed.httpStatus() == 429 || failed.httpStatus() == 503)) {
            feedback.tooBusy(task.host(), failed.httpStatus(), failed.retryAfter());
        } else if (failed.httpStatus() != null) {
            feedback.answered(task.host());
        }
    }

    private Uni<Disposition> settleCancelled(ClaimedTask task, CancelReason reason) {
        metrics.page("cancelled");
        if (!reason.requeue()) {
            Log.debugf("task %d stopped (%s); nothing written", task.id(), reason.wire());
            return Uni.createFrom().item(Disposition.ACK);
        }
        return withDbRetry(() -> ledger.requeue(task, reason))
                .onItem().transform(committed -> {
                    publish(committed);
                    return Disposition.ACK;
                });
    }

    private <T> Uni<T> withDbRetry(Supplier<Uni<? extends T>> write) {
        return Uni.createFrom().<T>deferred(write)
                .onFailure(DbFailures::isTransient).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10))
                .expireIn(dbRetryTimeout.toMillis());
    }

    private void publish(List<EventEnvelope> committed) {
        events.publish(committed);
    }

    static TaskMessage decode(byte[] body) {
        TaskMessage message = WireJson.decode(body, TaskMessage.class);
        if (message.taskId() <= 0 || message.jobId() == null) {
            throw new MalformedMessageException("task message without taskId or jobId");
        }
        return message;
    }
}
