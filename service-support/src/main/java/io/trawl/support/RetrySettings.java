package io.trawl.support;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The retry policy of a failed page attempt ({@code trawl.retry.*}, env TRAWL_RETRY_*), one group for the two
 * places that schedule a retry: a worker after a failed fetch (scrape-service) and the reaper after an expired
 * lease (job-service). After attempt {@code n} the task waits {@code base·2^(n-1)}, at most {@code max}, ±jitter.
 * The keys it replaces ({@code trawl.worker.backoff-*}, {@code trawl.reaper.backoff-*}) still work for one
 * release, with a warning ({@link LegacyRetryKeys}).
 */
public interface RetrySettings {

    /** Delay after the first failed attempt (doubled per further attempt). */
    @WithDefault("2s")
    Duration backoffBase();

    /** Longest retry delay. */
    @WithDefault("5m")
    Duration backoffMax();

    /** Jitter as a fraction of the delay (0.25 = ±25%). */
    @WithDefault("0.25")
    double backoffJitter();
}
