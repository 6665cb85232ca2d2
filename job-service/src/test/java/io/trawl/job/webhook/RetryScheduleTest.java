package io.trawl.job.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    static final List<Duration> DEFAULT = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    @Test
    void theDefaultScheduleRetriesSevenTimesOverMoreThanADay() {
        RetrySchedule s = new RetrySchedule(DEFAULT, 0.2, Duration.ofHours(24), () -> 0.5);
        assertThat(s.maxAttempts()).isEqualTo(8);
        assertThat(s.span()).isGreaterThanOrEqualTo(Duration.ofHours(24));
        assertThat(s.delayAfter(1, Optional.empty())).contains(Duration.ofSeconds(5));
        assertThat(s.delayAfter(7, Optional.empty())).contains(Duration.ofHours(10));
        assertThat(s.delayAfter(8, Optional.empty())).isEmpty();
        assertThat(s.delayAfter(0, Optional.empty())).isEmpty();
    }

    @Test
    void jitterStaysWithinItsFraction() {
        RetrySchedule low = new RetrySchedule(DEFAULT, 0.2, Duration.ofHours(24), () -> 0.0);
        RetrySchedule high = new RetrySchedule(DEFAULT, 0.2, Duration.ofHours(24), () -> 0.999999);
        assertThat(low.delayAfter(2, Optional.empty())).contains(Duration.ofMinutes(4));
        assertThat(high.delayAfter(2, Optional.empty()).orElseThrow()).isBetween(Duration.ofMinutes(5),
                Duration.ofMinutes(6));
    }

    @Test
    void aLongerRetryAfterWinsUpToTheCap() {
        RetrySchedule s = new RetrySchedule(DEFAULT, 0, Duration.ofHours(1), () -> 0.5);
        assertThat(s.delayAfter(1, Optional.of(Duration.ofSeconds(90)))).contains(Duration.ofSeconds(90));
        assertThat(s.delayAfter(1, Optional.of(Duration.ofSeconds(1)))).contains(Duration.ofSeconds(5));
        assertThat(s.delayAfter(1, Optional.of(Duration.ofDays(3)))).contains(Duration.ofHours(1));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(RetryAfter.parse("120", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Tue, 01 Dec 2026 10:05:00 GMT", now)).contains(Duration.ofMinutes(5));
        assertThat(RetryAfter.parse("Tue, 01 Dec 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse("-5", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
    }
}
