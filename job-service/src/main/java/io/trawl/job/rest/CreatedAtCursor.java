package io.trawl.job.rest;

import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.CreatedAtKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The cursor of newest-first listings (jobs, schedules): the (created_at, id) of the previous page's last row. */
final class CreatedAtCursor {

    private CreatedAtCursor() {
    }

    static String encode(JobRecord last) {
        return encode(last.createdAt(), last.id());
    }

    static String encode(Instant createdAt, UUID id) {
        return PageRequest.encode(createdAt + "|" + id);
    }

    static CreatedAtKey decode(String raw) {
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
