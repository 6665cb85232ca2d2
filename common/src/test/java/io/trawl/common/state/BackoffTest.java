package io.trawl.common.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), 0.25);

    @Test
    void doublesPerAttemptWithinTheJitter() {
        Random random = new Random(42);
        for (int attempt = 1; attempt <= 6; attempt++) {
            long nominal = 2000L << (attempt - 1);
            for (int i = 0; i < 200; i++) {
                long ms = backoff.delay(attempt, random).toMillis();
                assertThat(ms).isBetween((long) (nominal * 0.75), (long) (nominal * 1.25));
            }
        }
    }

    @Test
    void isCappedAtMax() {
        assertThat(backoff.delay(30, new Random(1)).toMillis()).isLessThanOrEqualTo(375_000L);
        assertThat(backoff.delay(1000, new Random(1)).toMillis()).isLessThanOrEqualTo(375_000L);
    }

    @Test
    void jitterSpreadsRetries() {
        Random random = new Random(7);
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(3, random)).distinct().count())
                .isGreaterThan(40);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
