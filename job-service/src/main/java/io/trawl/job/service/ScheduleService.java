package io.trawl.job.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.job.dispatch.DispatchLoop;
import io.trawl.support.Refusal;
import io.trawl.job.messaging.EventPublisher;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.repository.ScheduleRepository;
import io.trawl.job.repository.ScheduleRunRecord;
import io.trawl.job.schedule.CronSchedule;
import io.trawl.job.schedule.ScheduleDefinition;
import io.trawl.job.schedule.ScheduleDefinitionParser;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Schedule definitions (CRUD, pause/resume) and manual triggers. Firing on time is {@code ScheduleFirer}. */
@ApplicationScoped
public class ScheduleService {

    /** A manual trigger's result: the run's fire time and its job. */
    public record Triggered(Instant fireTime, UUID jobId) {
    }

    private final Pool pool;
    private final ScheduleRepository schedules;
    private final JobCreator creator;
    private final EventPublisher events;
    private final DispatchLoop dispatchLoop;
    private final Clock clock;

    public ScheduleService(Pool pool, ScheduleRepository schedules, JobCreator creator, EventPublisher events,
            DispatchLoop dispatchLoop, Clock clock) {
        this.pool = pool;
        this.schedules = schedules;
        this.creator = creator;
        this.events = events;
        this.dispatchLoop = dispatchLoop;
        this.clock = clock;
    }

    public Uni<ScheduleRecord> create(String tenant, String body) {
        Instant now = clock.instant();
        ScheduleDefinition def = parse(body, now);
        return schedules.insert(tenant, row(def), firstFire(def, now));
    }

    public Uni<ScheduleRecord> replace(String tenant, UUID id, String body) {
        Instant now = clock.instant();
        ScheduleDefinition def = parse(body, now);
        return schedules.replace(tenant, id, row(def), firstFire(def, now))
                .map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<Void> delete(String tenant, UUID id) {
        return schedules.delete(tenant, id).invoke(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
        }).replaceWithVoid();
    }

    public Uni<List<ScheduleRecord>> list(String tenant, CreatedAtKey after, int limit) {
        return schedules.list(tenant, after == null ? null : after.createdAt(), after == null ? null : after.id(), limit);
    }

    public Uni<ScheduleRecord> get(String tenant, UUID id) {
        return schedules.find(tenant, id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<ScheduleRecord> pause(String tenant, UUID id) {
        return schedules.setEnabled(tenant, id, false, null).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    /** Resumes from now: due times that passed while paused are neither run nor counted as missed. */
    public Uni<ScheduleRecord> resume(String tenant, UUID id) {
        return get(tenant, id).chain(s -> s.enabled() ? Uni.createFrom().item(s)
                : schedules.setEnabled(tenant, id, true, CronSchedule.of(s.cron(), s.timezone()).nextAfter(clock.instant()).orElse(null))
                        .map(found -> found.orElseThrow(() -> notFound(id))));
    }

    /** Fires the schedule now, whatever its cron, enabled flag or overlap policy (an explicit request). */
    public Uni<Triggered> trigger(String tenant, UUID id) {
        Instant fireTime = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return pool.withTransaction(tx -> schedules.lock(tx, tenant, id).chain(found -> {
                    ScheduleRecord s = found.orElseThrow(() -> notFound(id));
                    return creator.create(tx, tenant, JobSpecParser.parseStored(s.template()),
                                    "schedule:" + id + ":" + fireTime, id, fireTime)
                            .call(created -> schedules.recordRun(tx, id, fireTime, "fired", "manual trigger",
                                    created.value().job().id(), fireTime, 1))
                            .call(created -> schedules.saveFireState(tx, id, s.nextFireAt(), fireTime,
                                    created.value().job().id(), s.queuedFireAt()));
                }))
                .map(events::afterCommit)
                .invoke(dispatchLoop::wakeUp)
                .map(created -> new Triggered(fireTime, created.job().id()));
    }

    public Uni<List<ScheduleRunRecord>> runs(String tenant, UUID id, Instant before, int limit) {
        return get(tenant, id).chain(s -> schedules.runs(s.id(), before, limit));
    }

    public Uni<List<ScheduleRepository.ScheduleStatus>> status(String tenant) {
        return schedules.status(tenant);
    }

    private static ScheduleDefinition parse(String body, Instant now) {
        if (body == null || body.isBlank()) {
            throw new Refusal.InvalidInput("$", "the request body must be a JSON schedule");
        }
        try {
            return ScheduleDefinitionParser.parse(WireJson.tree(body), now);
        } catch (IllegalArgumentException e) {
            throw new Refusal.InvalidInput("$", "is not valid JSON: "
                    + (e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ")));
        }
    }

    private static ScheduleRepository.NewSchedule row(ScheduleDefinition def) {
        return new ScheduleRepository.NewSchedule(def.name(), def.cron().expression(), def.cron().zone().getId(),
                WireJson.encodeString(def.template()), def.enabled(), def.misfireGrace(), def.overlap().wire());
    }

    private static Instant firstFire(ScheduleDefinition def, Instant now) {
        return def.enabled() ? def.cron().nextAfter(now).orElse(null) : null;
    }

    static Refusal notFound(UUID id) {
        return new Refusal.NotFound("no schedule " + id);
    }
}
