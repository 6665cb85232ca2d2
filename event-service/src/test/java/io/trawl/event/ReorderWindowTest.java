package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Events of one job that RabbitMQ delivers a little out of order (several publishers commit them in turn and
 * publish from different threads) are put back in order within the gap wait, from what the broker delivered,
 * without reading Postgres. A long wait here, so that the test does not depend on the machine's speed.
 */
@QuarkusTest
@TestProfile(ReorderWindowTest.LongGapWait.class)
class ReorderWindowTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    public static class LongGapWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.feed.gap-wait", "10s", "trawl.feed.tail-check-interval", "1h");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Inject
    MeterRegistry registry;

    @Test
    void eventsALittleOutOfOrderAreReorderedFromTheBrokerWithoutAHeal() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, "after=0", "test-key");
        try {
            await().atMost(WAIT).until(() -> client.controls("replayed").size() == 1);
            double heals = heals();
            List<EventEnvelope> events = fixtures.append(job, 5);
            fixtures.publish(List.of(events.get(0), events.get(3), events.get(2), events.get(4)));
            await().atMost(WAIT).until(() -> client.seqs.size() == 1);
            fixtures.publish(List.of(events.get(1)));
            await().atMost(WAIT).until(() -> client.seqs.size() == 5);
            assertThat(client.seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(heals()).as("Postgres reads for gaps").isEqualTo(heals);
        } finally {
            client.close();
        }
    }

    private double heals() {
        return registry.find("trawl.feed.gap.heals").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
