package io.trawl.scrape.core.robots;

import java.time.Duration;

/**
 * @param agentName  the product token matched against {@code User-agent:} lines (lower case)
 * @param ttl        how long fetched rules are cached per origin
 * @param failureTtl how long an unavailable robots.txt is remembered before it is asked again
 * @param maxBytes   largest robots.txt read
 * @param timeout    total time for fetching robots.txt
 * @param maxEntries origins kept in the cache
 */
public record RobotsOptions(String agentName, Duration ttl, Duration failureTtl, long maxBytes, Duration timeout,
        int maxEntries) {
}
