package io.trawl.event.rest;

import io.trawl.event.service.FeedService;
import jakarta.enterprise.context.RequestScoped;

/**
 * The SSE subscription accepted by {@link StreamAcceptFilter} for the current request. SSE headers (200,
 * text/event-stream) go out as soon as the resource method returns its stream, so every check that can refuse
 * — and needs Postgres — must happen before, in the filter.
 */
@RequestScoped
public class AcceptedStream {

    private FeedService.JobFeedStart start;

    void set(FeedService.JobFeedStart start) {
        this.start = start;
    }

    FeedService.JobFeedStart get() {
        if (start == null) {
            throw new IllegalStateException("the stream was not accepted by StreamAcceptFilter");
        }
        return start;
    }
}
