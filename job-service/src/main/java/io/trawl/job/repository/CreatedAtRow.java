package io.trawl.job.repository;

import java.time.Instant;
import java.util.UUID;

/** A row that newest-first listings page through by its (created_at, id): jobs, schedules, webhooks. */
public interface CreatedAtRow {

    UUID id();

    Instant createdAt();
}
