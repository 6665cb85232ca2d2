package io.trawl.event.service;

import io.trawl.web.ProblemException;
import java.util.UUID;

/** Parsing of the feed's request parameters into values or 4xx problems. Pure. */
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

    /** A page size: absent means {@code defaultLimit}; otherwise 1..{@code maxLimit}, else 400. */
    public static int limit(String raw, int defaultLimit, int maxLimit) {
        if (raw == null || raw.isBlank()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ProblemException.badParameter("limit", "must be an integer between 1 and " + maxLimit);
    }

    /** A job id; a malformed one is a 404 like an unknown one (ids are not guessable input). */
    public static UUID jobId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound("no job " + raw);
        }
    }

    /** 400 when the client claims to have events the job does not have. */
    public static void requireKnown(String field, long after, long eventSeq) {
        if (after > eventSeq) {
            throw ProblemException.badParameter(field, "is beyond the job's last event (" + eventSeq + ")");
        }
    }
}
