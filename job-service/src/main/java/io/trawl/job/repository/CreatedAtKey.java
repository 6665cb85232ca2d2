package io.trawl.job.repository;

import java.time.Instant;
import java.util.UUID;

/** The position after the last row of a newest-first listing page (jobs, schedules): its (created_at, id). */
public record CreatedAtKey(Instant createdAt, UUID id) {
}
