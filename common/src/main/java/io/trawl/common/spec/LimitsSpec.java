package io.trawl.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Politeness and resource bounds of a job: how many of its fetches may be in flight per host across the
 * whole fleet, the spacing between dispatches to one host, the total fetch timeout, the body size cap,
 * how many attempts a page gets, and what one page may yield (items, bytes per field, links, extracted bytes
 * in total). Output past a yield cap is cut, never an error: the first items/links in document order are kept.
 */
@RegisterForReflection
public record LimitsSpec(int perHostConcurrency, int perHostDelayMs, int timeoutMs, long maxBytes, int maxAttempts,
        int maxItemsPerPage, int maxFieldBytes, int maxLinksPerPage, long maxExtractedBytes) {

    /** The largest {@code perHostConcurrency} a job may ask for (also how many candidates the dispatcher reads). */
    public static final int MAX_PER_HOST_CONCURRENCY = 64;

    /** Defaults and maxima of the yield caps (JobSpecParser validates against these). */
    public static final int DEFAULT_MAX_ITEMS_PER_PAGE = 1_000;
    public static final int MAX_ITEMS_PER_PAGE = 10_000;
    public static final int DEFAULT_MAX_FIELD_BYTES = 64 * 1024;
    public static final int MAX_FIELD_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_LINKS_PER_PAGE = 1_000;
    public static final int MAX_LINKS_PER_PAGE = 10_000;
    public static final long DEFAULT_MAX_EXTRACTED_BYTES = 2_000_000L;
    public static final long MAX_EXTRACTED_BYTES = 16_000_000L;

    public static LimitsSpec defaults() {
        return new LimitsSpec(4, 250, 15_000, 5_000_000L, 4, DEFAULT_MAX_ITEMS_PER_PAGE, DEFAULT_MAX_FIELD_BYTES,
                DEFAULT_MAX_LINKS_PER_PAGE, DEFAULT_MAX_EXTRACTED_BYTES);
    }
}
