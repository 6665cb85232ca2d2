package io.trawl.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Validated paging parameters of a listing: an opaque cursor (its raw text, decoded; null when absent) and a
 * bounded limit. A cursor is the base64url of a raw text only the listing reads; an empty cursor or limit is
 * absent; anything unusable is a 400 naming the parameter.
 */
public record PageRequest(String cursor, int limit) {

    public static PageRequest of(String cursor, String limit, int defaultLimit, int maxLimit) {
        int parsed = limit(limit, defaultLimit, maxLimit);
        return new PageRequest(cursor(cursor), parsed);
    }

    /** The raw text of a cursor a page handed out; null when absent. */
    public static String cursor(String cursor) {
        return cursor == null || cursor.isEmpty() ? null : decode(cursor);
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

    /** The cursor as a non-negative decimal id (listings keyed by a serial id); 0 when absent. */
    public long afterId() {
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

    /** The cursor a page hands out for the raw text {@code raw}. */
    public static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static ProblemException invalidCursor() {
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
