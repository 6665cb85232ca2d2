package io.trawl.event.rest;

import io.trawl.common.event.EventType;
import io.trawl.event.feed.FirehoseFilter;
import io.trawl.web.ProblemException;
import java.util.Set;
import java.util.UUID;

/**
 * Parsing of the feed's request parameters into values or 4xx problems, at the edges (REST, SSE and the
 * WebSocket upgrades). Pure.
 */
public final class FeedParams {

    private FeedParams() {
    }

    /**
     * A sequence number the client already has ({@code after}, {@code Last-Event-ID}): absent means 0 (from the
     * start); anything but a non-negative integer is a 400 naming {@code field}.
     */
    public static long after(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            long after = Long.parseLong(raw.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ProblemException.badParameter(field,
                "must be a non-negative integer: the seq of the last event you have (0 for all)");
    }

    /** A job id; a malformed one is a 404 like an unknown one (ids are not guessable input). */
    public static UUID jobId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound("no job " + raw);
        }
    }

    /** A firehose filter ({@code types}, {@code status}); 400 naming the bad parameter. */
    public static FirehoseFilter filter(String types, String statuses) {
        Set<EventType> typeSet;
        try {
            typeSet = FirehoseFilter.types(types);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter("types", e.getMessage());
        }
        try {
            return FirehoseFilter.of(typeSet, FirehoseFilter.statuses(statuses));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter("status", e.getMessage());
        }
    }
}
