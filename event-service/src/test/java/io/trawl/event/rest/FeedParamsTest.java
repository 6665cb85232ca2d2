package io.trawl.event.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.event.service.FeedService;
import io.trawl.support.Refusal;
import io.trawl.web.ProblemException;
import io.trawl.web.RefusalMapper;
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
    void aMalformedJobIdIsNotFound() {
        UUID id = UUID.randomUUID();
        assertThat(FeedParams.jobId(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> FeedParams.jobId("nope"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void afterBeyondTheJobsLastEventIsRefused() {
        FeedService.requireKnown("after", 5, 5);
        assertThatThrownBy(() -> FeedService.requireKnown("after", 6, 5))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(RefusalMapper.problem(e).status()).isEqualTo(400));
    }
}
