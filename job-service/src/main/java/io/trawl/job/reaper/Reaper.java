package io.trawl.job.reaper;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.EventType;
import io.trawl.common.event.Events;
import io.trawl.common.event.NewEvent;
import io.trawl.common.state.Backoff;
import io.trawl.common.state.JobStatus;
import io.trawl.job.config.TrawlConfig;
import io.trawl.support.RetrySettings;
import io.trawl.job.messaging.EventPublisher;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobRepository;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Housekeeping that keeps jobs moving, safe to run on every replica at once: tasks whose worker died
 * (expired lease) go back to pending with backoff or fail; tasks whose message was lost are re-dispatched;
 * running jobs with no open task complete (or fail) exactly once; running jobs get periodic job.progress.
 */
@ApplicationScoped
public class Reaper {

    private final Pool pool;
    private final ReaperRepository repository;
    private final JobRepository jobs;
    private final EventPublisher events;
    private final TrawlConfig.Reaper config;
    private final Backoff backoff;
    private final Clock clock;

    public Reaper(Pool pool, ReaperRepository repository, JobRepository jobs, EventPublisher events,
            TrawlConfig config, Clock clock) {
        this.pool = pool;
        this.repository = repository;
        this.jobs = jobs;
        this.events = events;
        this.config = config.reaper();
        RetrySettings retry = config.retry();
        this.backoff = new Backoff(retry.backoffBase(), retry.backoffMax(), retry.backoffJitter());
        this.clock = clock;
    }

    @Scheduled(identity = "reaper", every = "{trawl.reaper.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return reapOnce().onFailure().invoke(e -> Log.warnf("reaper round failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One full round; each step commits on its own. */
    public Uni<Void> reapOnce() {
        return expireLeases()
                .chain(this::requeueLostMessages)
                .chain(this::completeFinishedJobs)
                .chain(this::emitProgress)
                .replaceWithVoid();
    }

    /** Expired leases: retry with backoff while attempts remain, else fail. Returns tasks handled. */
    public Uni<Integer> expireLeases() {
        return repository.jobsWithExpiredLeases(config.batchSize())
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(this::expireLeasesOfJob)
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    private Uni<Integer> expireLeasesOfJob(UUID jobId) {
        return pool.withTransaction(tx -> repository.lockJob(tx, jobId).chain(job -> job == null
                        ? Uni.createFrom().item(Committed.quiet(0))
                        : repository.expiredTasks(tx, jobId, config.batchSize()).chain(expired -> settle(tx, jobId, expired))))
                .map(events::afterCommit);
    }

    private Uni<Committed<Integer>> settle(SqlConnection tx, UUID jobId, List<ReaperRepository.ExpiredTask> expired) {
        if (expired.isEmpty()) {
            return Uni.createFrom().item(Committed.quiet(0));
        }
        Instant now = clock.instant();
        List<ReaperRepository.Outcome> outcomes = new ArrayList<>();
        List<NewEvent> newEvents = new ArrayList<>();
        int failed = 0;
        for (ReaperRepository.ExpiredTask t : expired) {
            String error = "lease expired: worker " + t.leaseOwner() + " stopped renewing it";
            if (t.attempt() < t.maxAttempts()) {
                Instant next = now.plus(backoff.delay(t.attempt(), ThreadLocalRandom.current()));
                outcomes.add(new ReaperRepository.Outcome(t.id(), true, next, error));
                newEvents.add(Events.taskRetrying(t.id(), t.url(), t.attempt(), error, next));
            } else {
                outcomes.add(new ReaperRepository.Outcome(t.id(), false, null, error));
                newEvents.add(Events.taskFailed(t.id(), t.url(), t.attempt(), error, null));
                failed++;
            }
        }
        int failedCount = failed;
        return repository.settleExpired(tx, outcomes)
                .call(() -> repository.countFailed(tx, jobId, failedCount))
                .chain(n -> EventLog.append(tx, jobId, newEvents).onItem().transform(e -> new Committed<>(n, e)));
    }

    /** Tasks queued longer than the timeout lost their message: back to pending. */
    public Uni<Integer> requeueLostMessages() {
        return repository.requeueStaleQueued(config.queuedTimeout(), config.batchSize())
                .invoke(n -> {
                    if (n > 0) {
                        Log.warnf("%d queued tasks were never claimed within %s; dispatching them again", n,
                                config.queuedTimeout());
                    }
                });
    }

    /** Running jobs without open tasks become completed (or failed past the failure ratio). */
    public Uni<Integer> completeFinishedJobs() {
        return repository.finishedRunningJobs(config.batchSize())
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(this::completeJob)
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    /**
     * Completes (or fails) one job now if it is running and has no open task; 1 if it did. The worker's outcome
     * that counted a job's last open task asks for this ({@code SlotSignal}), so job.completed follows the last
     * task.succeeded at once rather than at the next reaper round; the round still catches any job this misses.
     */
    public Uni<Integer> completeJob(UUID jobId) {
        return pool.withTransaction(tx -> repository.lockJob(tx, jobId).chain(job -> {
                    if (job == null || job.status() != JobStatus.RUNNING) {
                        return Uni.createFrom().item(Committed.quiet(0));
                    }
                    return repository.hasOpenTasks(tx, jobId).chain(open -> open
                            ? Uni.createFrom().item(Committed.quiet(0))
                            : finish(tx, job));
                }))
                .map(events::afterCommit);
    }

    private Uni<Committed<Integer>> finish(SqlConnection tx, JobRecord job) {
        boolean failed = job.tasksTotal() > 0 && job.tasksFailed() >= config.failedRatio() * job.tasksTotal();
        JobStatus status = failed ? JobStatus.FAILED : JobStatus.COMPLETED;
        EventType type = failed ? EventType.JOB_FAILED : EventType.JOB_COMPLETED;
        return jobs.updateStatus(tx, job.id(), status)
                .chain(updated -> EventLog.append(tx, job.id(), Events.jobFinished(type, updated.counters())))
                .onItem().transform(e -> new Committed<>(1, e));
    }

    /** job.progress for running jobs that changed since their last one, at most once per interval. */
    public Uni<Integer> emitProgress() {
        return repository.jobsDueForProgress(config.progressInterval(), config.batchSize())
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(this::progressOf)
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    private Uni<Integer> progressOf(UUID jobId) {
        return pool.withTransaction(tx -> repository.lockJob(tx, jobId).chain(job -> {
                    if (job == null || job.status() != JobStatus.RUNNING) {
                        return Uni.createFrom().item(Committed.quiet(0));
                    }
                    return EventLog.append(tx, jobId, Events.jobProgress(job.counters()))
                            .call(e -> repository.markProgress(tx, jobId, e.get(e.size() - 1).seq()))
                            .onItem().transform(e -> new Committed<>(1, e));
                }))
                .map(events::afterCommit);
    }
}
