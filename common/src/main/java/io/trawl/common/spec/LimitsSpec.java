package io.trawl.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Politeness and resource bounds of a job: how many of its fetches may be in flight per host across the
 * whole fleet, the spacing between dispatches to one host, the total fetch timeout, the body size cap,
 * and how many attempts a page gets.
 */
@RegisterForReflection
public record LimitsSpec(int perHostConcurrency, int perHostDelayMs, int timeoutMs, long maxBytes, int maxAttempts) {

    /** The largest {@code perHostConcurrency} a job may ask for (also how many candidates the dispatcher reads). */
    public static final int MAX_PER_HOST_CONCURRENCY = 64;

    public static LimitsSpec defaults() {
        return new LimitsSpec(4, 250, 15_000, 5_000_000L, 4);
    }
}
