package io.trawl.event.service;

import io.smallrye.mutiny.Uni;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.feed.FeedSink;
import io.trawl.event.feed.FirehoseFilter;
import io.trawl.event.feed.JobFeedSubscriber;
import io.trawl.event.feed.LiveEventHub;
import io.trawl.event.feed.Surface;
import io.trawl.event.feed.TenantFeedSubscriber;
import io.trawl.event.metrics.FeedMetrics;
import io.trawl.event.repository.EventRepository;
import io.trawl.event.repository.JobHead;
import io.trawl.event.repository.JobRepository;
import io.trawl.support.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Opening feeds: checks the request (the job exists and is the tenant's, {@code after} is a number the job has)
 * and attaches a subscriber to this replica's {@link LiveEventHub}. Refusals are {@link Refusal}s.
 */
@ApplicationScoped
public class FeedService {

    /** An accepted job subscription: the job as read, and where the client's history ends. */
    public record JobFeedStart(JobHead job, long after) {
    }

    private final JobRepository jobs;
    private final EventRepository events;
    private final LiveEventHub hub;
    private final FeedMetrics metrics;
    private final TrawlConfig.Feed config;

    public FeedService(JobRepository jobs, EventRepository events, LiveEventHub hub, FeedMetrics metrics,
            TrawlConfig config) {
        this.jobs = jobs;
        this.events = events;
        this.hub = hub;
        this.metrics = metrics;
        this.config = config.feed();
    }

    /**
     * The job, if it is {@code tenant}'s (empty: an admin, any tenant's); refused as not found when it does not
     * exist or is another tenant's (never revealed).
     */
    public Uni<JobHead> job(Optional<String> tenant, UUID id) {
        return jobs.find(id).onItem().transform(found -> found
                .filter(job -> tenant.isEmpty() || job.tenant().equals(tenant.get()))
                .orElseThrow(() -> new Refusal.NotFound("no job " + id)));
    }

    /**
     * Validates a job subscription: {@code afterField} names the parameter {@code after} came from. Fails with
     * {@link HistoryGone} when retention deleted the events the replay would start with.
     */
    public Uni<JobFeedStart> accept(Optional<String> tenant, UUID id, String afterField, long after) {
        return job(tenant, id).chain(job -> {
            requireKnown(afterField, after, job.eventSeq());
            if (after >= job.eventSeq()) {
                return Uni.createFrom().item(new JobFeedStart(job, after));
            }
            return events.after(id, after, 1).onItem().transform(first -> {
                HistoryGone gone = HistoryGone.check(id, after, job.eventSeq(),
                        first.isEmpty() ? null : first.get(0).seq());
                if (gone != null) {
                    throw gone;
                }
                return new JobFeedStart(job, after);
            });
        });
    }

    /** Starts an accepted job feed on {@code sink}; the subscriber's pump runs on {@code executor}. */
    public JobFeedSubscriber open(JobFeedStart start, FeedSink sink, Surface surface, Executor executor) {
        JobFeedSubscriber subscriber = new JobFeedSubscriber(start.job(), start.after(), sink, surface, events,
                new JobFeedSubscriber.Limits(config.bufferSize(), config.sendBatch(), config.replayBatch()),
                metrics, executor);
        hub.attach(start.job(), subscriber);
        return subscriber;
    }

    /** Starts a tenant firehose on {@code sink}; {@code tenant} empty: every tenant's jobs (admins). */
    public TenantFeedSubscriber openFirehose(Optional<String> tenant, FirehoseFilter filter, FeedSink sink, Executor executor) {
        TenantFeedSubscriber subscriber = new TenantFeedSubscriber(tenant.orElse(null), filter, sink, config.bufferSize(),
                config.sendBatch(), metrics, executor);
        hub.attach(subscriber);
        return subscriber;
    }

    /** Refused ({@code field} named it) when the client claims to have events the job does not have. */
    public static void requireKnown(String field, long after, long eventSeq) {
        if (after > eventSeq) {
            throw new Refusal.InvalidInput(field, "is beyond the job's last event (" + eventSeq + ")");
        }
    }
}
