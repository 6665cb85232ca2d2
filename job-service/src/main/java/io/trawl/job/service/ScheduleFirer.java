package io.trawl.job.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.common.state.JobStatus;
import io.trawl.job.config.TrawlConfig;
import io.trawl.job.dispatch.DispatchLoop;
import io.trawl.job.messaging.EventPublisher;
import io.trawl.job.schedule.CronSchedule;
import io.trawl.job.schedule.FirePlan;
import io.trawl.job.schedule.OverlapPolicy;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.repository.ScheduleRepository;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fires due schedules. Each schedule is handled in its own transaction that holds its row
 * ({@code FOR UPDATE SKIP LOCKED}, so replicas never handle one schedule at once), creates the job through
 * the same path as {@code POST /jobs} (idempotency key {@code schedule:<id>:<fire time>}, and the unique
 * (schedule_id, fire_time) pair), records the outcome in {@code schedule_runs} and advances
 * {@code next_fire_at}: a due time fires once however many replicas tick.
 */
@ApplicationScoped
public class ScheduleFirer {

    private final Pool pool;
    private final ScheduleRepository schedules;
    private final JobCreator creator;
    private final EventPublisher events;
    private final DispatchLoop dispatchLoop;
    private final TrawlConfig.Scheduler config;

    public ScheduleFirer(Pool pool, ScheduleRepository schedules, JobCreator creator, EventPublisher events,
            DispatchLoop dispatchLoop, TrawlConfig config) {
        this.pool = pool;
        this.schedules = schedules;
        this.creator = creator;
        this.events = events;
        this.dispatchLoop = dispatchLoop;
        this.config = config.scheduler();
    }

    @Scheduled(identity = "schedules", every = "{trawl.scheduler.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return schedules.databaseNow().chain(this::fireDue)
                .onFailure().invoke(e -> Log.warnf("scheduler tick failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Handles every schedule due at {@code now} (up to the batch size); returns how many jobs it created.
     * One schedule's failure (any exception) does not end the tick: it becomes a {@code failed} run of that
     * schedule, which advances to its next due time, and the tick goes on with the next schedule.
     */
    public Uni<Integer> fireDue(Instant now) {
        return next(now, new ArrayList<>(), 0);
    }

    private Uni<Integer> next(Instant now, List<UUID> handled, int created) {
        if (handled.size() >= config.batchSize()) {
            return Uni.createFrom().item(created);
        }
        AtomicReference<ScheduleRecord> current = new AtomicReference<>();
        return pool.withTransaction(tx -> schedules.lockNextDue(tx, now, handled)
                        .chain(found -> {
                            found.ifPresent(current::set);
                            return found.isEmpty() ? Uni.createFrom().item(Optional.<Committed<Outcome>>empty())
                                    : handle(tx, found.get(), now).map(Optional::of);
                        }))
                .onFailure(e -> current.get() != null)
                .recoverWithUni(e -> recordFailure(current.get(), now, e).map(Optional::of))
                .chain(outcome -> {
                    if (outcome.isEmpty()) {
                        return Uni.createFrom().item(created);
                    }
                    boolean createdJobs = !outcome.get().events().isEmpty();
                    Outcome o = events.afterCommit(outcome.get());
                    handled.add(o.scheduleId());
                    if (createdJobs) {
                        dispatchLoop.wakeUp();
                    }
                    return next(now, handled, created + o.jobsCreated());
                });
    }

    /**
     * After a schedule's transaction failed (and rolled back): in a new transaction, records a {@code failed}
     * run for the due time it was handling and advances the schedule past {@code now}, so the failure neither
     * repeats every tick nor blocks other schedules. A failure to record it is logged, never thrown.
     */
    private Uni<Committed<Outcome>> recordFailure(ScheduleRecord s, Instant now, Throwable error) {
        Log.warnf(error, "schedule %s (tenant %s) failed; recorded as a failed run", s.id(), s.tenant());
        String reason = "the scheduler could not handle this fire: " + describe(error);
        return pool.withTransaction(tx -> schedules.lockForFailure(tx, s.id()).chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    ScheduleRecord locked = found.get();
                    FailedFire failed = failedFire(locked, now);
                    return schedules.recordRun(tx, locked.id(), failed.fireTime(), "failed", reason, null,
                                    failed.firstDue(), failed.dueTimes())
                            .chain(() -> schedules.saveFireState(tx, locked.id(), failed.nextFire(),
                                    locked.lastFireAt(), locked.lastJobId(), null));
                }))
                .onFailure().invoke(e -> Log.errorf(e, "could not record the failure of schedule %s", s.id()))
                .onFailure().recoverWithNull()
                .replaceWith(Committed.quiet(new Outcome(s.id(), 0)));
    }

    /** Which fire a failure stands for, and where the schedule goes next (past {@code now}). */
    static FailedFire failedFire(ScheduleRecord s, Instant now) {
        Instant next;
        Instant fireTime;
        Instant firstDue = null;
        int dueTimes = 1;
        try {
            if (s.nextFireAt() != null && !s.nextFireAt().isAfter(now)) {
                FirePlan plan = FirePlan.of(CronSchedule.of(s.cron(), s.timezone()), s.nextFireAt(), now, s.misfireGrace());
                FirePlan.Occurrences run = plan.run().or(plan::missed).orElseThrow();
                fireTime = run.last();
                firstDue = run.first();
                dueTimes = run.count();
                next = plan.nextFire().orElse(null);
            } else {
                fireTime = s.queuedFireAt() != null ? s.queuedFireAt() : now;
                next = s.nextFireAt();
            }
        } catch (RuntimeException cronFailed) {
            // the schedule's own definition cannot be evaluated: keep it from failing every tick
            fireTime = s.nextFireAt() != null ? s.nextFireAt() : now;
            next = null;
        }
        return new FailedFire(fireTime, firstDue, dueTimes, next);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** The fire a failed transaction was handling. */
    record FailedFire(Instant fireTime, Instant firstDue, int dueTimes, Instant nextFire) {
    }

    private Uni<Committed<Outcome>> handle(SqlConnection tx, ScheduleRecord s, Instant now) {
        State state = new State(s);
        return runQueued(tx, s, state)
                .chain(() -> runDue(tx, s, now, state))
                .chain(() -> schedules.saveFireState(tx, s.id(), state.nextFire, state.lastFire, state.lastJob,
                        state.queuedFire))
                .map(v -> new Committed<>(new Outcome(s.id(), state.created), state.events));
    }

    /** Overlap "queue": the waiting fire runs once the previous job has finished. */
    private Uni<Void> runQueued(SqlConnection tx, ScheduleRecord s, State state) {
        if (s.queuedFireAt() == null) {
            return Uni.createFrom().voidItem();
        }
        return previousRunning(tx, state).chain(running -> running
                ? Uni.createFrom().voidItem()
                : createJob(tx, s, s.queuedFireAt(), state).chain(jobId -> schedules.recordRun(tx, s.id(),
                        s.queuedFireAt(), "fired", "ran after the previous job finished", jobId, null, 1))
                        .invoke(() -> state.queuedFire = null));
    }

    private Uni<Void> runDue(SqlConnection tx, ScheduleRecord s, Instant now, State state) {
        if (s.nextFireAt() == null || s.nextFireAt().isAfter(now)) {
            return Uni.createFrom().voidItem();
        }
        FirePlan plan = FirePlan.of(CronSchedule.of(s.cron(), s.timezone()), s.nextFireAt(), now, s.misfireGrace());
        state.nextFire = plan.nextFire().orElse(null);
        Uni<Void> missed = plan.missed().map(m -> schedules.recordRun(tx, s.id(), m.last(), "missed",
                (m.capped() ? "at least " : "") + m.count() + " due time(s) from " + m.first() + " to " + m.last() + " passed more than "
                        + s.misfireGrace() + " (misfire grace) before the scheduler saw them",
                null, m.first(), m.count())).orElse(Uni.createFrom().voidItem());
        return missed.chain(() -> plan.run().map(run -> fireOrHold(tx, s, run, state)).orElse(Uni.createFrom().voidItem()));
    }

    private Uni<Void> fireOrHold(SqlConnection tx, ScheduleRecord s, FirePlan.Occurrences run, State state) {
        String coalesced = run.count() > 1 ? "coalesced " + run.count() + " due times since " + run.first() : null;
        OverlapPolicy overlap = OverlapPolicy.fromWire(s.overlap());
        Uni<Boolean> blocked = overlap == OverlapPolicy.ALLOW ? Uni.createFrom().item(false) : previousRunning(tx, state);
        return blocked.chain(running -> {
            if (!running) {
                return createJob(tx, s, run.last(), state).chain(jobId -> schedules.recordRun(tx, s.id(), run.last(),
                        "fired", coalesced, jobId, run.first(), run.count()));
            }
            String previous = "previous job " + state.lastJob + " is still running";
            if (overlap == OverlapPolicy.QUEUE && state.queuedFire == null) {
                state.queuedFire = run.last();
                return schedules.recordRun(tx, s.id(), run.last(), "queued", previous + "; runs when it finishes",
                        null, run.first(), run.count());
            }
            String reason = overlap == OverlapPolicy.QUEUE ? previous + " and a run is already queued" : previous;
            return schedules.recordRun(tx, s.id(), run.last(), "skipped", reason, null, run.first(), run.count());
        });
    }

    private Uni<Boolean> previousRunning(SqlConnection tx, State state) {
        return schedules.jobStatus(tx, state.lastJob)
                .map(status -> status != null && !JobStatus.fromWire(status).terminal());
    }

    /** Creates the fire's job (or finds the one an earlier attempt created); returns its id. */
    Uni<UUID> createJob(SqlConnection tx, ScheduleRecord s, Instant fireTime, State state) {
        return schedules.jobOfFire(tx, s.id(), fireTime).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            return creator.create(tx, s.tenant(), JobSpecParser.parseStored(s.template()), idempotencyKey(s.id(), fireTime),
                    s.id(), fireTime).map(created -> {
                        state.created++;
                        state.events.addAll(created.events());
                        return created.value().job().id();
                    });
        }).invoke(jobId -> {
            state.lastJob = jobId;
            state.lastFire = fireTime;
        });
    }

    /** Prefix of every schedule fire's idempotency key; client keys may not use it (JobService). */
    public static final String KEY_PREFIX = "schedule:";

    static String idempotencyKey(UUID scheduleId, Instant fireTime) {
        return KEY_PREFIX + scheduleId + ":" + fireTime.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The mutable fire state of one schedule during one transaction. */
    static final class State {
        Instant nextFire;
        Instant lastFire;
        UUID lastJob;
        Instant queuedFire;
        int created;
        final List<EventEnvelope> events = new ArrayList<>();

        State(ScheduleRecord s) {
            this.nextFire = s.nextFireAt();
            this.lastFire = s.lastFireAt();
            this.lastJob = s.lastJobId();
            this.queuedFire = s.queuedFireAt();
        }
    }

    /** What handling one schedule did. */
    record Outcome(UUID scheduleId, int jobsCreated) {
    }
}
