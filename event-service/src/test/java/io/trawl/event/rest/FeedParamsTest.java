package io.trawl.event.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.web.ProblemException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FeedParamsTest {

    @Test
    void afterIsANonNegativeSeqDefaultingToZero() {
        assertThat(FeedParams.after("after", null)).isZero();
        assertThat(FeedParams.after("after", " ")).isZero();
        assertThat(FeedParams.after("after", " 42 ")).isEqualTo(42);
        for (String bad : new String[] {"-1", "x", "1.0", "99999999999999999999"}) {
            assertThatThrownBy(() -> FeedParams.after("Last-Event-ID", bad))
                    .isInstanceOfSatisfying(ProblemException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.toProblem("/").errors().get(0).field()).isEqualTo("Last-Event-ID");
                    });
        }
    }

    @Test
    void limitIsBounded() {
        assertThat(FeedParams.limit(null, 100, 1000)).isEqualTo(100);
        assertThat(FeedParams.limit("1000", 100, 1000)).isEqualTo(1000);
        assertThatThrownBy(() -> FeedParams.limit("1001", 100, 1000)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> FeedParams.limit("0", 100, 1000)).isInstanceOf(ProblemException.class);
    }

    @Test
    void aMalformedJobIdIsNotFound() {
        UUID id = UUID.randomUUID();
        assertThat(FeedParams.jobId(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> FeedParams.jobId("nope"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void afterBeyondTheJobsLastEventIsRefused() {
        FeedParams.requireKnown("after", 5, 5);
        assertThatThrownBy(() -> FeedParams.requireKnown("after", 6, 5))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
