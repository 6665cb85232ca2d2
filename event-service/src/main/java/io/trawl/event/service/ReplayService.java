package io.trawl.event.service;

import io.smallrye.mutiny.Uni;
import io.trawl.event.metrics.FeedMetrics;
import io.trawl.event.repository.EventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** REST replay: one page of a job's stored events after a sequence number. */
@ApplicationScoped
public class ReplayService {

    private final FeedService feeds;
    private final EventRepository events;
    private final FeedMetrics metrics;

    public ReplayService(FeedService feeds, EventRepository events, FeedMetrics metrics) {
        this.feeds = feeds;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Events {@code seq > after} of the job ({@code tenant} empty: any tenant's), at most {@code limit}; fails with {@link HistoryGone}
     * when retention deleted events from {@code after + 1} on.
     */
    public Uni<EventPage> page(Optional<String> tenant, UUID id, long after, int limit) {
        return feeds.job(tenant, id).chain(job -> {
            FeedService.requireKnown("after", after, job.eventSeq());
            metrics.restRead();
            return events.after(id, after, limit).onItem().transform(items -> {
                HistoryGone gone = HistoryGone.check(id, after, job.eventSeq(),
                        items.isEmpty() ? null : items.get(0).seq());
                if (gone != null) {
                    throw gone;
                }
                long next = items.isEmpty() ? after : items.get(items.size() - 1).seq();
                return new EventPage(id, job.status().wire(), job.status().terminal(), after, items, next,
                        next < job.eventSeq());
            });
        });
    }
}
