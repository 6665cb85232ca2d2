package io.trawl.common.state;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for failed attempts: after attempt {@code n} (1-based) the task waits
 * {@code base·2^(n-1)}, capped at {@code max}, then spread by ±{@code jitter} (a fraction) so that retries
 * of many tasks do not arrive together.
 */
public record Backoff(Duration base, Duration max, double jitter) {

    public Backoff {
        if (base.isNegative() || max.compareTo(base) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("need 0 <= base <= max and 0 <= jitter < 1");
        }
    }

    public Duration delay(int attempt, RandomGenerator random) {
        int exponent = Math.max(0, Math.min(attempt - 1, 30));
        double nominal = Math.min((double) max.toMillis(), base.toMillis() * Math.pow(2, exponent));
        double spread = nominal * jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(0L, Math.round(nominal + spread)));
    }
}
