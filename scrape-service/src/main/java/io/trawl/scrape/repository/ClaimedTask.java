package io.trawl.scrape.repository;

import java.time.Instant;
import java.util.UUID;

/**
 * A task this worker claimed: state running, this attempt counted, the lease token that guards every
 * later write of its outcome.
 *
 * @param host     the politeness host key (host[:port])
 * @param attempt  this attempt's number (1-based, already counted)
 * @param queuedAt when the dispatcher queued it (null if unknown)
 */
public record ClaimedTask(long id, UUID jobId, String url, String host, int depth, int attempt, int maxAttempts,
        UUID leaseToken, Instant queuedAt) {
}
