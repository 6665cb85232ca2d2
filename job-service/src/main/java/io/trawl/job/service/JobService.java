package io.trawl.job.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.event.NewEvent;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.ControlAction;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.job.domain.JobCommand;
import io.trawl.job.domain.JobStateMachine;
import io.trawl.support.Refusal;
import io.trawl.common.state.JobStatus;
import io.trawl.job.domain.Transition;
import io.trawl.job.dispatch.DispatchLoop;
import io.trawl.job.messaging.ControlPublisher;
import io.trawl.job.messaging.EventPublisher;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobRepository;
import io.trawl.job.repository.TaskRepository;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Job submission and control: every change commits (with its events) before anything acts on it. */
@ApplicationScoped
public class JobService {

    /** The result of a control call: the job after it, and whether it changed anything. */
    public record ControlResult(JobRecord job, boolean changed) {
    }

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    /** One snapshot for every read of the transaction, which writes nothing. */
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    private final Pool pool;
    private final JobRepository jobs;
    private final TaskRepository tasks;
    private final JobCreator creator;
    private final EventPublisher events;
    private final ControlPublisher control;
    private final DispatchLoop dispatchLoop;

    public JobService(Pool pool, JobRepository jobs, TaskRepository tasks, JobCreator creator, EventPublisher events,
            ControlPublisher control, DispatchLoop dispatchLoop) {
        this.pool = pool;
        this.jobs = jobs;
        this.tasks = tasks;
        this.creator = creator;
        this.events = events;
        this.control = control;
        this.dispatchLoop = dispatchLoop;
    }

    /**
     * Validates and stores a job (row, seed tasks, job.created) in one transaction; the job exists in
     * Postgres before this completes. A repeated Idempotency-Key returns the first job.
     */
    public Uni<JobCreator.Created> create(String tenant, String idempotencyKey, String body) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            return Uni.createFrom().failure(new Refusal.InvalidInput("Idempotency-Key",
                    "must be 1-255 visible ASCII characters"));
        }
        if (idempotencyKey != null && reserved(idempotencyKey)) {
            return Uni.createFrom().failure(new Refusal.InvalidInput("Idempotency-Key",
                    "must not start with \"" + ScheduleFirer.KEY_PREFIX + "\" (reserved for schedule fires)"));
        }
        JobSpec spec;
        try {
            spec = JobSpecParser.parse(parseJson(body));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return pool.withTransaction(tx -> creator.create(tx, tenant, spec, idempotencyKey, null, null))
                .map(events::afterCommit)
                .invoke(created -> {
                    if (!created.replayed()) {
                        Log.debugf("job %s created for %s with %d tasks", created.job().id(), tenant,
                                created.job().tasksTotal());
                        dispatchLoop.wakeUp();
                    }
                });
    }

    /** Keys of the schedule fires' namespace, in any letter case (a client key there could take a fire's job). */
    static boolean reserved(String idempotencyKey) {
        return idempotencyKey.regionMatches(true, 0, ScheduleFirer.KEY_PREFIX, 0, ScheduleFirer.KEY_PREFIX.length());
    }

    public Uni<JobRecord> get(String tenant, UUID id) {
        return jobs.find(tenant, id).onItem().transform(found -> found.orElseThrow(() -> notFound(id)));
    }

    /**
     * The job and its per-state task counts from one read-only REPEATABLE READ snapshot: a worker commits a task's
     * state and the job's counters together, so two separate reads could pair old counters with newer states.
     */
    public Uni<JobDetail> detail(String tenant, UUID id) {
        return pool.withTransaction(tx -> tx.query(SNAPSHOT).execute()
                .chain(() -> jobs.find(tx, tenant, id))
                .map(found -> found.orElseThrow(() -> notFound(id)))
                .chain(job -> tasks.countByState(tx, job.id()).map(counts -> new JobDetail(job, counts))));
    }

    /** The tenant's jobs, newest first, optionally of one status, after {@code after} (null: from the newest). */
    public Uni<List<JobRecord>> list(String tenant, JobStatus status, CreatedAtKey after, int limit) {
        return jobs.list(tenant, status, after, limit);
    }

    /**
     * Applies a control command under the job's row lock: illegal ones are refused ({@link Refusal.Conflict}) and change nothing,
     * repeated ones change nothing and append no event.
     */
    public Uni<ControlResult> control(String tenant, UUID id, JobCommand command) {
        return pool.withTransaction(tx -> jobs.lock(tx, tenant, id)
                        .onItem().transformToUni(found -> {
                            JobRecord job = found.orElseThrow(() -> notFound(id));
                            if (job.purgedAt() != null && (command == JobCommand.RETRY || command == JobCommand.RESUME)) {
                                // under the row lock: retention marked it purged first (RetentionCleaner)
                                throw new Refusal.Conflict("job " + id + " was purged by retention at "
                                        + job.purgedAt() + " (its results and events are deleted); submit it again");
                            }
                            Transition decision = JobStateMachine.decide(job.status(), command,
                                    job.startedAt() != null, job.tasksFailed());
                            if (decision instanceof Transition.Illegal illegal) {
                                throw new Refusal.Conflict(illegal.reason());
                            }
                            if (decision instanceof Transition.AlreadyInEffect) {
                                return Uni.createFrom().item(Committed.quiet(job));
                            }
                            return apply(tx, job, command, ((Transition.Apply) decision).to());
                        }))
                .onItem().transformToUni(applied -> afterCommit(applied, command));
    }

    private Uni<Committed<JobRecord>> apply(SqlConnection tx, JobRecord job, JobCommand command, JobStatus to) {
        Uni<NewEvent> change = switch (command) {
            case PAUSE -> tasks.requeueQueued(tx, job.id()).onItem().transform(Events::jobPaused);
            case RESUME -> Uni.createFrom().item(Events.jobResumed("resume", 0));
            case KILL -> tasks.cancelOpen(tx, job.id()).onItem().transform(Events::jobKilled);
            case RETRY -> tasks.retryFailed(tx, job.id())
                    .call(n -> jobs.uncountFailed(tx, job.id(), n))
                    .onItem().transform(n -> Events.jobResumed("retry", n));
        };
        return change.onItem().transformToUni(event -> jobs.updateStatus(tx, job.id(), to)
                .chain(() -> EventLog.append(tx, job.id(), event))
                .chain(appended -> jobs.get(tx, job.id()).onItem().transform(after -> new Committed<>(after, appended))));
    }

    private Uni<ControlResult> afterCommit(Committed<JobRecord> applied, JobCommand command) {
        boolean changed = !applied.events().isEmpty();
        JobRecord job = events.afterCommit(applied);
        if (!changed) {
            return Uni.createFrom().item(new ControlResult(job, false));
        }
        Uni<Void> notify = switch (command) {
            case PAUSE -> control.publish(job.id(), ControlAction.PAUSE);
            case KILL -> control.publish(job.id(), ControlAction.KILL);
            case RESUME, RETRY -> {
                dispatchLoop.wakeUp();
                yield control.publish(job.id(), ControlAction.RESUME);
            }
        };
        return notify.onItem().transform(v -> new ControlResult(job, true));
    }

    private static JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            throw new Refusal.InvalidInput("$", "the request body must be a JSON job spec");
        }
        try {
            return WireJson.tree(body);
        } catch (IllegalArgumentException e) {
            throw new Refusal.InvalidInput("$", "is not valid JSON: "
                    + (e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ")));
        }
    }

    static Refusal notFound(UUID id) {
        return new Refusal.NotFound("no job " + id);
    }
}
