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
            return tasks.claim(tx, message.taskId(), message.jobId(), worker, UUID.randomUUID(), leaseMs,
                            message.dispatchToken())
                    .chain(claimed -> claimed.isEmpty()
                            ? Uni.createFrom().item(Claim.skipped("task is not queued under this dispatch"))
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
                .call(() -> tasks.signalFreedSlots(tx))
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

    /** One successful page of a batch ({@link #succeedAll}). */
    public record Success(ClaimedTask task, JobRules rules, PageOutcome page) {
    }

    /**
     * Claims several messages' tasks in ONE transaction: the jobs locked in id order, one statement for every
     * claim, one {@code event_seq + n} per job for its task.started events. Each result is what
     * {@link #claim} would have returned for that message alone (a second message for a task already in this
     * batch finds it not queued, as it would right after the first one's commit).
     */
    public Uni<List<Committed<Claim>>> claimAll(List<TaskMessage> messages, String worker) {
        java.util.Set<UUID> jobIds = new java.util.TreeSet<>();
        messages.forEach(m -> jobIds.add(m.jobId()));
        return pool.withTransaction(tx -> tasks.lockJobs(tx, jobIds).chain(status -> {
            List<Long> ids = new java.util.ArrayList<>();
            List<UUID> jobs = new java.util.ArrayList<>();
            List<UUID> tokens = new java.util.ArrayList<>();
            List<Long> dispatches = new java.util.ArrayList<>();
            // distinct (task, dispatch) pairs: a stale copy and the current one of a task may share a batch
            java.util.Set<java.util.List<Object>> seen = new java.util.HashSet<>();
            for (TaskMessage m : messages) {
                if ("running".equals(status.get(m.jobId()))
                        && seen.add(java.util.Arrays.asList(m.taskId(), m.dispatchToken()))) {
                    ids.add(m.taskId());
                    jobs.add(m.jobId());
                    tokens.add(UUID.randomUUID());
                    dispatches.add(m.dispatchToken());
                }
            }
            Uni<java.util.Map<Long, TaskRepository.BatchClaim>> claim = ids.isEmpty()
                    ? Uni.createFrom().item(java.util.Map.of())
                    : tasks.claimAll(tx, ids, jobs, tokens, dispatches, worker, leaseMs);
            return claim.chain(claimed -> {
                // task.started per job, in message order; the first message of a task owns its claim
                java.util.Map<UUID, List<Long>> order = new java.util.LinkedHashMap<>();
                java.util.Map<UUID, List<io.trawl.common.event.NewEvent>> events = new java.util.LinkedHashMap<>();
                java.util.Set<Long> owned = new java.util.HashSet<>();
                for (TaskMessage m : messages) {
                    ClaimedTask c = ownClaim(claimed, m);
                    if (c != null && owned.add(c.id())) {
                        order.computeIfAbsent(c.jobId(), k -> new java.util.ArrayList<>()).add(c.id());
                        events.computeIfAbsent(c.jobId(), k -> new java.util.ArrayList<>())
                                .add(Events.taskStarted(c.id(), c.url(), c.attempt(), worker));
                    }
                }
                return appendPerJob(tx, events).onItem().transform(stored -> {
                    java.util.Map<Long, EventEnvelope> eventOf = new java.util.HashMap<>();
                    order.forEach((job, taskIds) -> {
                        for (int i = 0; i < taskIds.size(); i++) {
                            eventOf.put(taskIds.get(i), stored.get(job).get(i));
                        }
                    });
                    List<Committed<Claim>> out = new java.util.ArrayList<>(messages.size());
                    java.util.Set<Long> answered = new java.util.HashSet<>();
                    for (TaskMessage m : messages) {
                        String jobStatus = status.get(m.jobId());
                        ClaimedTask c = ownClaim(claimed, m);
                        if (jobStatus == null) {
                            out.add(Claim.skipped("job does not exist"));
                        } else if (!jobStatus.equals("running")) {
                            out.add(Claim.skipped("job is " + jobStatus));
                        } else if (c == null || !answered.add(c.id())) {
                            out.add(Claim.skipped("task is not queued"));
                        } else {
                            out.add(new Committed<>(new Claim(Optional.of(c), null), List.of(eventOf.get(c.id()))));
                        }
                    }
                    return out;
                });
            });
        }));
    }

    /** The batch's claim of this message's task, if this message (its dispatch) is the one that won it. */
    private static ClaimedTask ownClaim(java.util.Map<Long, TaskRepository.BatchClaim> claimed, TaskMessage m) {
        TaskRepository.BatchClaim c = claimed.get(m.taskId());
        return c != null && java.util.Objects.equals(c.dispatchToken(), m.dispatchToken()) ? c.task() : null;
    }

    /**
     * Several successful pages in ONE transaction: jobs locked in id order; one statement marks every task
     * succeeded (each guarded by its lease), one inserts every item; links per page (maxPages and dedup see
     * the pages before it); one counter update per job and one {@code event_seq + n} for its
     * task.succeeded events. Each result is the events {@link #succeed} would have returned for that page.
     */
    public Uni<List<List<EventEnvelope>>> succeedAll(List<Success> pages) {
        java.util.Set<UUID> jobIds = new java.util.TreeSet<>();
        pages.forEach(p -> jobIds.add(p.task().jobId()));
        return pool.withTransaction(tx -> tasks.lockJobs(tx, jobIds)
                .call(() -> tasks.signalFreedSlots(tx))
                .chain(() -> tasks.succeedAll(tx, pages.stream().map(Success::task).toList(),
                        pages.stream().map(p -> p.page().httpStatus()).toList()))
                .chain(ours -> {
                    List<Success> mine = pages.stream().filter(p -> ours.contains(java.util.Map.entry(p.task().id(),
                            p.task().leaseToken()))).toList();
                    List<UUID> itemJobs = new java.util.ArrayList<>();
                    List<Long> itemTasks = new java.util.ArrayList<>();
                    List<String> itemUrls = new java.util.ArrayList<>();
                    List<Integer> ordinals = new java.util.ArrayList<>();
                    List<String> data = new java.util.ArrayList<>();
                    for (Success p : mine) {
                        for (int i = 0; i < p.page().itemsJson().size(); i++) {
                            itemJobs.add(p.task().jobId());
                            itemTasks.add(p.task().id());
                            itemUrls.add(p.page().url());
                            ordinals.add(i);
                            data.add(p.page().itemsJson().get(i));
                        }
                    }
                    return tasks.insertItemsAll(tx, itemJobs, itemTasks, itemUrls, ordinals, data)
                            .chain(items -> io.smallrye.mutiny.Multi.createFrom().iterable(mine)
                                    .onItem().transformToUniAndConcatenate(p -> insertLinks(tx, p.task(), p.rules(),
                                            p.page()).onItem().transform(n -> java.util.Map.entry(p.task().id(), n)))
                                    .collect().asMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)
                                    .chain(links -> countAndAppend(tx, pages, mine, items, links)));
                }));
    }

    private Uni<List<List<EventEnvelope>>> countAndAppend(io.vertx.mutiny.sqlclient.SqlConnection tx,
            List<Success> pages, List<Success> mine, java.util.Map<Long, Integer> items,
            java.util.Map<Long, Integer> links) {
        java.util.Map<UUID, int[]> done = new java.util.TreeMap<>();
        java.util.Map<UUID, long[]> itemCount = new java.util.TreeMap<>();
        java.util.Map<UUID, List<io.trawl.common.event.NewEvent>> events = new java.util.LinkedHashMap<>();
        java.util.Map<UUID, List<Long>> order = new java.util.LinkedHashMap<>();
        for (Success p : mine) {
            UUID job = p.task().jobId();
            int n = items.getOrDefault(p.task().id(), 0);
            done.computeIfAbsent(job, k -> new int[1])[0]++;
            itemCount.computeIfAbsent(job, k -> new long[1])[0] += n;
            events.computeIfAbsent(job, k -> new java.util.ArrayList<>()).add(Events.taskSucceeded(p.task().id(),
                    p.task().url(), p.page().httpStatus(), n, links.getOrDefault(p.task().id(), 0),
                    p.page().durationMs(), p.page().bytes()));
            order.computeIfAbsent(job, k -> new java.util.ArrayList<>()).add(p.task().id());
        }
        Uni<Void> count = done.isEmpty() ? Uni.createFrom().voidItem()
                : tasks.countDoneAll(tx, List.copyOf(done.keySet()), done.values().stream().map(a -> a[0]).toList(),
                        itemCount.values().stream().map(a -> a[0]).toList());
        return count.chain(() -> appendPerJob(tx, events)).onItem().transform(stored -> {
            java.util.Map<Long, EventEnvelope> eventOf = new java.util.HashMap<>();
            order.forEach((job, ids) -> {
                for (int i = 0; i < ids.size(); i++) {
                    eventOf.put(ids.get(i), stored.get(job).get(i));
                }
            });
            java.util.Set<Success> written = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            written.addAll(mine);
            return pages.stream().map(p -> written.contains(p) ? List.of(eventOf.get(p.task().id()))
                    : List.<EventEnvelope>of()).toList();
        });
    }

    /** Appends each job's events (jobs in id order: they are locked already), one reservation per job. */
    private static Uni<java.util.Map<UUID, List<EventEnvelope>>> appendPerJob(
            io.vertx.mutiny.sqlclient.SqlConnection tx, java.util.Map<UUID, List<io.trawl.common.event.NewEvent>> events) {
        java.util.Map<UUID, List<EventEnvelope>> stored = new java.util.HashMap<>();
        return io.smallrye.mutiny.Multi.createFrom().iterable(new java.util.TreeMap<>(events).entrySet())
                .onItem().transformToUniAndConcatenate(e -> EventLog.append(tx, e.getKey(), e.getValue())
                        .invoke(list -> stored.put(e.getKey(), list)))
                .collect().last()
                .onItem().transform(ignored -> stored);
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
        return pool.withTransaction(tx -> tasks.lockJob(tx, task.jobId()).call(() -> tasks.signalFreedSlots(tx)).chain(() -> {
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

    /** Hands a claimed task back (pause, shutdown): pending now, attempt refunded, task.cancelled requeued. */
    public Uni<List<EventEnvelope>> requeue(ClaimedTask task, CancelReason reason) {
        return requeue(task, reason, 0, null);
    }

    /**
     * Hands back a task this worker could not try ({@code reason} says why, {@code error} goes to last_error):
     * pending after a backoff delay (this worker may take it again), attempt refunded, task.cancelled requeued.
     */
    public Uni<List<EventEnvelope>> handBack(ClaimedTask task, CancelReason reason, String error) {
        long delayMs = backoff.delay(Math.max(1, task.attempt()), ThreadLocalRandom.current()).toMillis();
        return requeue(task, reason, delayMs, error);
    }

    private Uni<List<EventEnvelope>> requeue(ClaimedTask task, CancelReason reason, long delayMs, String error) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, task.jobId())
                .chain(() -> tasks.requeue(tx, task, delayMs, error))
                .chain(ours -> !ours ? Uni.createFrom().item(List.<EventEnvelope>of())
                        : EventLog.append(tx, task.jobId(),
                                Events.taskCancelled(task.id(), task.url(), reason.wire(), true))));
    }

    /**
     * A dead-lettered message's task fails (unless finished, held by a live lease elsewhere, or dispatched again
     * since: {@code dispatchToken}, when known, must be the current one).
     */
    public Uni<List<EventEnvelope>> failDeadLettered(long taskId, UUID jobId, String error, Long dispatchToken) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, jobId).chain(status -> status.isEmpty()
                ? Uni.createFrom().item(List.<EventEnvelope>of())
                : tasks.failDeadLettered(tx, taskId, jobId, error, dispatchToken).chain(row -> row.isEmpty()
                        ? Uni.createFrom().item(List.<EventEnvelope>of())
                        : tasks.countFailed(tx, jobId).chain(() -> EventLog.append(tx, jobId, Events.taskFailed(taskId,
                                row.get().getString("url"), row.get().getInteger("attempt"), error, null))))));
    }

    /**
     * A dead letter past the delivery limit that carries a dispatch token. Only the task's current dispatch
     * counts: a copy of an older one (the task was dispatched again since) is ignored. For the current one, a
     * task still queued spent one attempt without a fetch (its deliveries were lost to reconnects or dying
     * consumers): back to pending with backoff ({@code task.retrying}), or failed once no attempt is left. A task
     * that is running, pending or finished is left alone (its lease and the reaper own it).
     */
    public Uni<Committed<DeadLetterResult>> spendDeadLettered(long taskId, UUID jobId, long dispatchToken, String error) {
        return pool.withTransaction(tx -> tasks.lockJob(tx, jobId).chain(status -> status.isEmpty()
                ? Uni.createFrom().item(Committed.quiet(DeadLetterResult.IGNORED))
                : tasks.lockDeadLetterTarget(tx, taskId, jobId).chain(target -> {
                    if (target.isEmpty()) {
                        return Uni.createFrom().item(Committed.quiet(DeadLetterResult.IGNORED));
                    }
                    TaskRepository.DeadLetterTarget t = target.get();
                    if (t.dispatchToken() != dispatchToken) {
                        return Uni.createFrom().item(Committed.quiet(DeadLetterResult.STALE));
                    }
                    if (!t.state().equals("queued")) {
                        return Uni.createFrom().item(Committed.quiet(DeadLetterResult.IGNORED));
                    }
                    int attempt = t.attempt() + 1;
                    if (attempt < t.maxAttempts()) {
                        Duration delay = backoff.delay(attempt, ThreadLocalRandom.current());
                        return tasks.spendQueued(tx, taskId, jobId, dispatchToken, delay.toMillis(), error)
                                .chain(next -> next.isEmpty() ? Uni.createFrom().item(Committed.quiet(DeadLetterResult.IGNORED))
                                        : EventLog.append(tx, jobId, Events.taskRetrying(taskId, t.url(), attempt, error,
                                                        next.get()))
                                                .onItem().transform(e -> new Committed<>(DeadLetterResult.RETRYING, e)));
                    }
                    return tasks.failQueued(tx, taskId, jobId, dispatchToken, error).chain(ours -> !ours
                            ? Uni.createFrom().item(Committed.quiet(DeadLetterResult.IGNORED))
                            : tasks.countFailed(tx, jobId)
                                    .chain(() -> EventLog.append(tx, jobId, Events.taskFailed(taskId, t.url(), attempt,
                                            error, null)))
                                    .onItem().transform(e -> new Committed<>(DeadLetterResult.FAILED, e)));
                })));
    }

    /** What {@link #spendDeadLettered} did. */
    public enum DeadLetterResult { RETRYING, FAILED, STALE, IGNORED }

    /** Encodes one extracted item as the JSON stored in items.data. */
    public static String itemJson(java.util.Map<String, String> item) {
        return WireJson.encodeString(item);
    }
}
