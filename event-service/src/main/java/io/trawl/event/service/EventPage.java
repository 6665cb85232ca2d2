package io.trawl.event.service;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.trawl.common.event.EventEnvelope;
import java.util.List;
import java.util.UUID;

/**
 * One page of REST replay. {@code next} is the {@code after} of the next page (the last item's seq, or the
 * request's {@code after} when the page is empty); {@code hasMore} says whether the job had more events when
 * the page was read. {@code status}/{@code terminal} describe the job at that moment, so a poller knows when
 * to stop.
 */
@RegisterForReflection
@JsonPropertyOrder({"jobId", "status", "terminal", "after", "items", "next", "hasMore"})
public record EventPage(UUID jobId, String status, boolean terminal, long after, List<EventEnvelope> items,
        long next, boolean hasMore) {
}
