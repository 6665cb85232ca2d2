package io.trawl.event.feed;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.state.JobStatus;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.metrics.FeedMetrics;
import io.trawl.event.repository.EventRepository;
import io.trawl.event.repository.JobHead;
import io.trawl.event.repository.JobRepository;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This replica's fan-out: the jobs it watches ({@link JobStream}s: those with subscribers here, and the jobs of
 * tenants with a firehose here) and the firehose subscribers by tenant (an admin's firehose follows every
 * tenant: while one is attached, every job's events are routed). Every event consumed from RabbitMQ
 * comes through {@link #arrived}; events of jobs nobody here watches are dropped.
 *
 * <p>A periodic tail check reads the committed {@code event_seq} of every watched job, so an event whose
 * publish was lost is delivered even when no later event reveals the gap (and when RabbitMQ is down, the feed
 * degrades to polling Postgres at that interval). It also forgets idle firehose-only jobs.
 */
@ApplicationScoped
public class LiveEventHub implements JobStream.Host {

    private static final int TAIL_CHECK_CHUNK = 500;

    private final Map<UUID, JobStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Set<TenantFeedSubscriber>> firehoses = new ConcurrentHashMap<>();
    /** Firehose subscribers of every tenant (admins). */
    private final Set<TenantFeedSubscriber> everyTenant = new CopyOnWriteArraySet<>();
    private final AtomicBoolean tailCheckRunning = new AtomicBoolean();
    private final EventRepository events;
    private final JobRepository jobs;
    private final FeedMetrics metrics;
    private final Vertx vertx;
    private final Clock clock;
    private final TrawlConfig.Feed config;
    private final TenantDirectory tenants;
    private long tailTimer = -1;

    public LiveEventHub(EventRepository events, JobRepository jobs, FeedMetrics metrics, Vertx vertx, Clock clock,
            TrawlConfig config) {
        this.events = events;
        this.jobs = jobs;
        this.metrics = metrics;
        this.vertx = vertx;
        this.clock = clock;
        this.config = config.feed();
        this.tenants = new TenantDirectory(this.config.tenantCacheSize());
    }

    void onStart(@Observes StartupEvent event) {
        tailTimer = vertx.setPeriodic(config.tailCheckInterval().toMillis(), id -> tailCheck());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (tailTimer >= 0) {
            vertx.cancelTimer(tailTimer);
        }
    }

    /** An event consumed from {@code trawl.events}. */
    public void arrived(FeedEvent event) {
        JobStream stream = streams.get(event.jobId());
        if (stream == null) {
            stream = firehoseStream(event.jobId());
        }
        if (stream != null) {
            stream.arrived(event, clock.millis());
        }
    }

    /** Attaches a job subscriber; {@code job} is the job as read when the subscription was accepted. */
    public void attach(JobHead job, JobFeedSubscriber subscriber) {
        tenants.put(job.id(), job.tenant());
        subscriber.onClose(s -> detach((JobFeedSubscriber) s));
        streams.compute(job.id(), (id, existing) -> {
            JobStream stream = existing != null ? existing
                    : JobStream.known(id, job.tenant(), job.status(), job.eventSeq(), this, clock.millis());
            stream.add(subscriber);
            return stream;
        });
        subscriber.start();
    }

    /** Attaches a firehose subscriber of its tenant. */
    public void attach(TenantFeedSubscriber subscriber) {
        subscriber.onClose(s -> detach((TenantFeedSubscriber) s));
        if (subscriber.tenant() == null) {
            everyTenant.add(subscriber);
            return;
        }
        firehoses.computeIfAbsent(subscriber.tenant(), t -> new CopyOnWriteArraySet<>()).add(subscriber);
    }

    private void detach(JobFeedSubscriber subscriber) {
        streams.computeIfPresent(subscriber.jobId(), (id, stream) -> {
            stream.remove(subscriber);
            return stream.hasSubscribers() || wantedByFirehose(stream) ? stream : null;
        });
    }

    private void detach(TenantFeedSubscriber subscriber) {
        if (subscriber.tenant() == null) {
            everyTenant.remove(subscriber);
            return;
        }
        firehoses.computeIfPresent(subscriber.tenant(), (tenant, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** Number of jobs this replica watches. */
    public int watchedJobs() {
        return streams.size();
    }

    private boolean wantedByFirehose(JobStream stream) {
        String tenant = stream.tenant();
        return tenant == null || wantsTenant(tenant);
    }

    /** Whether a firehose here follows the jobs of {@code tenant}. */
    private boolean wantsTenant(String tenant) {
        return !everyTenant.isEmpty() || firehoses.containsKey(tenant);
    }

    /** A stream for an event of a job nobody here watches, when its tenant may have a firehose here. */
    private JobStream firehoseStream(UUID jobId) {
        if (firehoses.isEmpty() && everyTenant.isEmpty()) {
            return null;
        }
        String tenant = tenants.get(jobId);
        if (tenant != null && !wantsTenant(tenant)) {
            return null;
        }
        JobStream fresh = JobStream.resolving(jobId, this, clock.millis());
        JobStream existing = streams.putIfAbsent(jobId, fresh);
        if (existing != null) {
            return existing;
        }
        resolve(fresh);
        return fresh;
    }

    /** Looks up the tenant and status of a firehose stream's job; forgets the stream if nobody here wants it. */
    private void resolve(JobStream stream) {
        jobs.find(stream.jobId()).subscribe().with(head -> {
            if (head.isEmpty()) {
                removeIfUnwatched(stream, true);
                return;
            }
            tenants.put(stream.jobId(), head.get().tenant());
            stream.resolved(head.get().tenant(), head.get().status());
            removeIfUnwatched(stream, !wantsTenant(head.get().tenant()));
        }, failure -> {
            Log.warnf("job %s: tenant lookup failed (%s); retrying", stream.jobId(), failure.toString());
            retryLater(() -> resolve(stream));
        });
    }

    /** Forgets {@code stream} if {@code unwanted} and no job subscriber is attached, atomically with attach. */
    private void removeIfUnwatched(JobStream stream, boolean unwanted) {
        if (unwanted) {
            streams.computeIfPresent(stream.jobId(), (id, current) ->
                    current == stream && !current.hasSubscribers() ? null : current);
        }
    }

    private void tailCheck() {
        if (streams.isEmpty() || !tailCheckRunning.compareAndSet(false, true)) {
            return;
        }
        long now = clock.millis();
        long idleBefore = now - config.idleJobTimeout().toMillis();
        List<UUID> ids = new ArrayList<>();
        for (JobStream stream : streams.values()) {
            if (!stream.hasSubscribers() && stream.resolved()
                    && (!wantsTenant(stream.tenant()) || stream.lastActivity() < idleBefore)) {
                removeIfUnwatched(stream, true);
            } else if (stream.resolved()) {
                ids.add(stream.jobId());
            }
        }
        if (ids.isEmpty()) {
            tailCheckRunning.set(false);
            return;
        }
        List<Uni<List<JobHead>>> reads = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += TAIL_CHECK_CHUNK) {
            reads.add(jobs.findAll(ids.subList(i, Math.min(ids.size(), i + TAIL_CHECK_CHUNK))));
        }
        Uni.join().all(reads).andCollectFailures().subscribe().with(chunks -> {
            tailCheckRunning.set(false);
            for (List<JobHead> chunk : chunks) {
                for (JobHead head : chunk) {
                    JobStream stream = streams.get(head.id());
                    if (stream != null) {
                        stream.committed(head.eventSeq(), head.status());
                    }
                }
            }
        }, failure -> {
            tailCheckRunning.set(false);
            Log.warnf("tail check failed: %s", failure.toString());
        });
    }

    @Override
    public Uni<List<EventEnvelope>> read(UUID jobId, long after, long upTo) {
        return events.range(jobId, after, upTo, config.replayBatch());
    }

    @Override
    public void toTenant(String tenant, FeedEvent event, JobStatus status) {
        Set<TenantFeedSubscriber> subscribers = firehoses.get(tenant);
        if (subscribers != null) {
            for (TenantFeedSubscriber subscriber : subscribers) {
                subscriber.offer(event, status);
            }
        }
        for (TenantFeedSubscriber subscriber : everyTenant) {
            subscriber.offer(event, status);
        }
    }

    @Override
    public void retryLater(Runnable action) {
        vertx.setTimer(config.retryDelay().toMillis(), id -> action.run());
    }

    @Override
    public void afterGapWait(Runnable action) {
        long wait = config.gapWait().toMillis();
        if (wait <= 0) {
            action.run();
        } else {
            vertx.setTimer(wait, id -> action.run());
        }
    }

    @Override
    public int holdLimit() {
        return config.bufferSize();
    }

    @Override
    public int readBatch() {
        return config.replayBatch();
    }

    @Override
    public FeedMetrics metrics() {
        return metrics;
    }
}
