package io.trawl.job.rest;

import io.trawl.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Validated paging parameters: an opaque cursor and a bounded limit. */
record PageRequest(String cursor, int limit) {

    static PageRequest of(String cursor, String limit, int defaultLimit, int maxLimit) {
        int parsed = defaultLimit;
        if (limit != null) {
            try {
                parsed = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                throw ProblemException.badParameter("limit", "must be an integer between 1 and " + maxLimit);
            }
            if (parsed < 1 || parsed > maxLimit) {
                throw ProblemException.badParameter("limit", "must be an integer between 1 and " + maxLimit);
            }
        }
        return new PageRequest(cursor == null || cursor.isEmpty() ? null : decode(cursor), parsed);
    }

    /** The cursor as a decimal id (task and item listings); 0 when absent. */
    long afterId() {
        if (cursor == null) {
            return 0;
        }
        try {
            long id = Long.parseLong(cursor);
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw invalidCursor();
        }
    }

    static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static ProblemException invalidCursor() {
        return ProblemException.badParameter("cursor", "is not a cursor returned by this listing");
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }
}
