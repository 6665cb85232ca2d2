package io.trawl.job.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.Committed;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.common.spec.LimitsSpec;
import io.trawl.job.config.TrawlConfig;
import io.trawl.job.messaging.EventPublisher;
import io.trawl.job.messaging.RabbitPublisher;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One dispatch round, in one transaction: lock due hosts (SKIP LOCKED, so replicas split the work), plan
 * with {@link DispatchPlanner}, lock the jobs, mark the chosen tasks queued, start pending jobs
 * ({@code job.started}), space the hosts — then publish the task messages with confirms and commit only if
 * every one was confirmed. A failed publish rolls everything back (the tasks stay pending); a crash after
 * the confirms and before the commit publishes them again next round: at worst twice, never lost.
 */
@ApplicationScoped
public class Dispatcher {

    private final Pool pool;
    private final DispatchRepository repository;
    private final RabbitPublisher publisher;
    private final EventPublisher eventPublisher;
    private final TrawlConfig.Dispatcher config;
    private final QueueBound queueBound;
    private final Counter dispatched;

    public Dispatcher(Pool pool, DispatchRepository repository, RabbitPublisher publisher,
            EventPublisher eventPublisher, TrawlConfig config, MeterRegistry registry, QueueBound queueBound) {
        this.pool = pool;
        this.queueBound = queueBound;
        this.repository = repository;
        this.publisher = publisher;
        this.eventPublisher = eventPublisher;
        this.config = config.dispatcher();
        this.dispatched = Counter.builder("trawl.dispatch.tasks")
                .description("Tasks published to trawl.tasks (confirmed and committed)")
                .register(registry);
    }

    /** Runs one round; returns how many tasks it dispatched (0 when the broker is not connected). */
    public Uni<Integer> dispatchOnce() {
        if (!publisher.isReady()) {
            return Uni.createFrom().item(0);
        }
        // bounded by what the fleet can take (a separate step: the round itself is unchanged)
        return queueBound.room().chain(room -> room <= 0 ? Uni.createFrom().item(Committed.quiet(0))
                        : pool.withTransaction(tx -> round(tx, Math.min(room, config.batchSize()))))
                .map(eventPublisher::afterCommit)
                .invoke(n -> dispatched.increment(n));
    }

    private Uni<Committed<Integer>> round(SqlConnection tx, int batchSize) {
        return repository.lockDueHosts(tx, config.hostsPerRound()).onItem().transformToUni(hosts -> {
            if (hosts.isEmpty()) {
                return Uni.createFrom().item(Committed.quiet(0));
            }
            return repository.hostSlots(tx, hosts)
                    .chain(slots -> repository.candidates(tx, hosts, LimitsSpec.MAX_PER_HOST_CONCURRENCY)
                            .onItem().transform(candidates -> DispatchPlanner.plan(slots, candidates,
                                    batchSize)))
                    .chain(plan -> plan.chosen().isEmpty() ? Uni.createFrom().item(Committed.quiet(0)) : execute(tx, plan));
        });
    }

    private Uni<Committed<Integer>> execute(SqlConnection tx, DispatchPlanner.Plan plan) {
        Set<UUID> jobIds = new LinkedHashSet<>();
        plan.chosen().forEach(c -> jobIds.add(c.jobId()));
        List<Long> taskIds = plan.chosen().stream().map(DispatchPlanner.Candidate::taskId).toList();
        return repository.lockActiveJobs(tx, jobIds).chain(active -> {
            if (active.isEmpty()) {
                return Uni.createFrom().item(Committed.quiet(0));
            }
            return repository.queue(tx, taskIds, active).chain(queued -> {
                if (queued.isEmpty()) {
                    return Uni.createFrom().item(Committed.quiet(0));
                }
                Set<UUID> queuedJobs = new LinkedHashSet<>();
                queued.forEach(q -> queuedJobs.add(q.jobId()));
                List<UUID> passJobs = new ArrayList<>();
                List<Double> passIncrements = new ArrayList<>();
                for (Map.Entry<UUID, Double> e : plan.passIncrease().entrySet()) {
                    passJobs.add(e.getKey());
                    passIncrements.add(e.getValue());
                }
                List<String> spacedHosts = new ArrayList<>();
                List<Integer> delays = new ArrayList<>();
                plan.chosen().stream().map(DispatchPlanner.Candidate::host).distinct().forEach(host -> {
                    spacedHosts.add(host);
                    delays.add(plan.hostDelayMs().getOrDefault(host, 0));
                });
                return repository.advancePass(tx, passJobs, passIncrements)
                        .chain(() -> repository.spaceHosts(tx, spacedHosts, delays))
                        .chain(() -> repository.startJobs(tx, queuedJobs))
                        .chain(started -> appendStarted(tx, started))
                        .chain(events -> repository.browserJobs(tx, queuedJobs)
                                .chain(browserJobs -> publisher.publishAll(messages(queued, browserJobs)))
                                .onItem().transform(v -> new Committed<>(queued.size(), events)));
            });
        });
    }

    private static Uni<List<EventEnvelope>> appendStarted(SqlConnection tx, List<UUID> started) {
        if (started.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(started)
                .onItem().transformToUniAndConcatenate(jobId -> EventLog.append(tx, jobId, Events.jobStarted()))
                .collect().asList()
                .onItem().transform(lists -> lists.stream().flatMap(List::stream).toList());
    }

    /** One message per queued task, to trawl.tasks, or trawl.tasks.browser for a browser job's task. */
    private static List<RabbitPublisher.Outgoing> messages(List<DispatchRepository.QueuedTask> queued,
            Set<UUID> browserJobs) {
        return queued.stream()
                .map(q -> new RabbitPublisher.Outgoing("", Topology.tasksQueueFor(browserJobs.contains(q.jobId())),
                        WireJson.encode(new TaskMessage(q.id(), q.jobId(), q.url(), q.depth(), q.attempt(),
                                q.dispatchToken())), true,
                        "task"))
                .toList();
    }
}
