package io.trawl.job.rest;

import io.trawl.job.repository.CreatedAtKey;
import io.trawl.job.repository.CreatedAtRow;
import io.trawl.web.PageRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The cursor of newest-first listings (jobs, schedules, webhooks; the dashboard's job list): the (created_at, id)
 * of the previous page's last row, as the raw text {@code <created_at>|<id>}.
 */
public final class CreatedAtCursor {

    private CreatedAtCursor() {
    }

    /** The raw cursor text of a page's last row (a {@link io.trawl.web.Page} encodes it). */
    public static String of(CreatedAtRow last) {
        return last.createdAt() + "|" + last.id();
    }

    /** The position a page request continues after; null for the first page. */
    public static CreatedAtKey after(PageRequest page) {
        return page.cursor() == null ? null : decode(page.cursor());
    }

    /** The position a raw cursor text names; a 400 naming {@code cursor} when it names none. */
    public static CreatedAtKey decode(String raw) {
        int bar = raw.indexOf('|');
        if (bar < 0) {
            throw PageRequest.invalidCursor();
        }
        try {
            return new CreatedAtKey(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw PageRequest.invalidCursor();
        }
    }
}
