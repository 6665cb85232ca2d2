package io.trawl.job.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again (pure): the {@code n}-th retry waits the {@code n}-th delay of the
 * schedule ± jitter, or the receiver's {@code Retry-After} when that is longer (up to a cap). Past the end of
 * the schedule there is no next attempt: the delivery has failed.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> delays, double jitter, Duration maxRetryAfter, DoubleSupplier random) {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        this.delays = List.copyOf(delays);
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /** Attempts a delivery gets in all: the first one plus one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The whole schedule without jitter: how long a receiver may be down before a delivery fails. */
    public Duration span() {
        return delays.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * The wait after failed attempt number {@code failed} (1 = the first attempt failed), or empty when that
     * was the last one.
     */
    public Optional<Duration> delayAfter(int failed, Optional<Duration> retryAfter) {
        if (failed < 1 || failed > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(failed - 1);
        long millis = base.toMillis();
        long spread = Math.round(millis * jitter * (2 * random.getAsDouble() - 1));
        Duration delay = Duration.ofMillis(Math.max(0, millis + spread));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.get();
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return Optional.of(delay);
    }
}
