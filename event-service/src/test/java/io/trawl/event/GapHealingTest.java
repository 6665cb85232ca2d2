package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ is the fast path, Postgres the truth: events that were committed but never published, arrive out of
 * order or twice are still delivered exactly once and in order to a live subscriber.
 */
@QuarkusTest
class GapHealingTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Inject
    MeterRegistry registry;

    @Test
    void anEventAppendedButNeverPublishedIsHealedFromPostgresBeforeTheNextOne() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = live(job);
        try {
            double heals = heals("gap");
            List<EventEnvelope> first = fixtures.append(job, 1);
            List<EventEnvelope> lost = fixtures.append(job, 1);
            List<EventEnvelope> third = fixtures.append(job, 1);
            fixtures.publish(first);
            await().atMost(WAIT).until(() -> client.seqs.size() == 1);
            fixtures.publish(third);
            await().atMost(WAIT).until(() -> client.seqs.size() == 3);
            assertThat(client.seqs).containsExactly(1L, 2L, 3L);
            assertThat(lost.get(0).seq()).isEqualTo(2);
            assertThat(heals("gap")).isGreaterThan(heals);
        } finally {
            client.close();
        }
    }

    @Test
    void eventsArrivingOutOfOrderAndTwiceAreDeliveredOnceInOrder() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = live(job);
        try {
            List<EventEnvelope> events = List.of(fixtures.append(job, 1).get(0), fixtures.append(job, 1).get(0),
                    fixtures.append(job, 1).get(0), fixtures.append(job, 1).get(0));
            fixtures.publish(List.of(events.get(2), events.get(0), events.get(1), events.get(1), events.get(0),
                    events.get(3), events.get(2)));
            await().atMost(WAIT).until(() -> client.seqs.size() >= 4);
            // One more duplicate, then (on the same channel, so after it) the next event as a probe: the queue is
            // consumed in order, so when the probe has arrived every duplicate has been consumed — and dropped.
            EventEnvelope probe = fixtures.append(job, 1).get(0);
            fixtures.publish(List.of(events.get(3), probe));
            await().atMost(WAIT).until(() -> client.seqs.contains(probe.seq()));
            assertThat(client.controls("resync")).as("resync frames (a replay would hide the duplicates)").isEmpty();
            assertThat(client.seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
        } finally {
            client.close();
        }
    }

    @Test
    void aLostLastEventIsDeliveredByTheTailCheckWithoutAnyLaterEvent() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = live(job);
        try {
            double heals = heals("tail");
            fixtures.publish(fixtures.append(job, 1));
            fixtures.append(job, 2); // committed, never published, and nothing follows
            await().atMost(WAIT).until(() -> client.seqs.size() == 3);
            assertThat(client.seqs).containsExactly(1L, 2L, 3L);
            assertThat(heals("tail")).isGreaterThan(heals);
        } finally {
            client.close();
        }
    }

    /** A client that has replayed the (empty) history and is live. */
    private FeedClient live(UUID job) {
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, "after=0", "test-key");
        await().atMost(WAIT).until(() -> client.controls("replayed").size() == 1);
        return client;
    }

    private double heals(String cause) {
        return registry.find("trawl.feed.gap.heals").tag("cause", cause).counter().count();
    }
}
