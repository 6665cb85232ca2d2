package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventType;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code /ws/events}: the tenant's live events only, each job's in order, optional filters. */
@QuarkusTest
class FirehoseTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Test
    void aTenantSeesItsOwnJobsLiveEventsInOrderAndNoOneElses() {
        FeedClient acme = FeedClient.connect(base, "/ws/events", null, "test-key");
        FeedClient globex = FeedClient.connect(base, "/ws/events", null, "other-key");
        try {
            awaitLive(acme, "acme", EventType.TASK_SUCCEEDED);
            awaitLive(globex, "globex", EventType.TASK_SUCCEEDED);
            UUID a1 = fixtures.job("acme", JobStatus.RUNNING);
            UUID a2 = fixtures.job("acme", JobStatus.RUNNING);
            UUID g1 = fixtures.job("globex", JobStatus.RUNNING);
            List<EventEnvelope> acmeEvents = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                acmeEvents.addAll(fixtures.appendAndPublish(a1, 1));
                acmeEvents.addAll(fixtures.appendAndPublish(a2, 1));
                fixtures.appendAndPublish(g1, 1);
            }
            await().atMost(WAIT).until(() -> acme.textsOf(a1).size() + acme.textsOf(a2).size() >= 10
                    && globex.textsOf(g1).size() >= 5);
            // Not a fixed wait for wrong deliveries: a probe per tenant, published after everything above, comes
            // through the same queue (consumed in order) and the same per-subscriber send queue, so anything
            // wrongly routed to either client arrives before its probe.
            acmeEvents.addAll(fixtures.appendAndPublish(a1, 1));
            fixtures.appendAndPublish(g1, 1);
            await().atMost(WAIT).until(() -> acme.seqsOf(a1).contains(6L) && globex.seqsOf(g1).contains(6L));
            assertLiveThroughout(acme);
            assertLiveThroughout(globex);
            assertThat(acme.textsOf(g1)).isEmpty();
            assertThat(globex.textsOf(a1)).isEmpty();
            assertThat(globex.textsOf(a2)).isEmpty();
            assertThat(globex.seqsOf(g1)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            for (UUID job : List.of(a1, a2)) {
                assertThat(acme.textsOf(job)).containsExactlyElementsOf(acmeEvents.stream()
                        .filter(e -> e.jobId().equals(job)).map(WireJson::encodeString).toList());
            }
        } finally {
            acme.close();
            globex.close();
        }
    }

    @Test
    void oneJobsEventsOutOfOrderTwiceOrLostReachTheFirehoseOnceAndInOrder() {
        FeedClient acme = FeedClient.connect(base, "/ws/events", null, "test-key");
        try {
            awaitLive(acme, "acme", EventType.TASK_SUCCEEDED);
            UUID job = fixtures.job("acme", JobStatus.RUNNING);
            List<EventEnvelope> events = fixtures.append(job, 8);
            fixtures.publish(events.subList(0, 1));
            await().atMost(WAIT).until(() -> acme.seqsOf(job).contains(1L));
            // The firehose has no per-subscriber cursor: only the job's stream stands between these arrivals and
            // the socket. 4 opens a gap whose read (slow, SlowReplayReads) races 2 and 3 from the broker; 6 is
            // never published; the probe 8 can only follow once both reads are done.
            fixtures.publish(List.of(events.get(3), events.get(1), events.get(2), events.get(2), events.get(1),
                    events.get(4), events.get(6)));
            fixtures.publish(List.of(events.get(7)));
            await().atMost(WAIT).until(() -> acme.seqsOf(job).contains(8L));
            assertLiveThroughout(acme);
            assertThat(acme.seqsOf(job)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        } finally {
            acme.close();
        }
    }

    @Test
    void filtersByEventTypeAndJobStatus() {
        FeedClient failures = FeedClient.connect(base, "/ws/events", "types=task.failed,job.completed",
                "test-key");
        FeedClient paused = FeedClient.connect(base, "/ws/events", "status=paused", "test-key");
        try {
            // a task.failed of a paused job passes both filters: first as the marker that both are attached,
            // at the end as the probe behind everything they should drop
            UUID probe = fixtures.job("acme", JobStatus.PAUSED);
            publish(probe, EventType.TASK_FAILED);
            await().atMost(WAIT).until(() -> failures.seqsOf(probe).size() == 1 && paused.seqsOf(probe).size() == 1);
            UUID job = fixtures.job("acme", JobStatus.RUNNING);
            publish(job, EventType.TASK_SUCCEEDED);
            publish(job, EventType.TASK_FAILED);
            publish(job, EventType.JOB_PAUSED);
            publish(job, EventType.TASK_CANCELLED);
            publish(job, EventType.JOB_RESUMED);
            publish(job, EventType.TASK_SUCCEEDED);
            publish(job, EventType.JOB_COMPLETED);
            await().atMost(WAIT).until(() -> failures.seqsOf(job).size() >= 2 && paused.seqsOf(job).size() >= 2);
            // Not a fixed wait: the probe again, published last, arrives after anything of the job they should
            // have dropped.
            publish(probe, EventType.TASK_FAILED);
            await().atMost(WAIT).until(() -> failures.seqsOf(probe).size() == 2 && paused.seqsOf(probe).size() == 2);
            assertLiveThroughout(failures);
            assertLiveThroughout(paused);
            assertThat(failures.seqsOf(job)).containsExactly(2L, 7L);
            // Events of the job while it is paused: the pause itself and what followed until the resume.
            assertThat(paused.seqsOf(job)).containsExactly(3L, 4L);
        } finally {
            failures.close();
            paused.close();
        }
    }

    @Test
    void unknownFilterValuesAreRefusedWith4400() {
        for (String query : List.of("types=task.exploded", "status=sleeping")) {
            FeedClient client = FeedClient.connect(base, "/ws/events", query, "test-key");
            await().atMost(WAIT).until(client::closed);
            assertThat(client.closeCode(WAIT)).as(query).isEqualTo(4400);
            assertThat(client.controls("error").get(0).at("/problem/errors/0/field").asText())
                    .isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    /**
     * The premise of a live-only feed's test: the subscriber is attached (the upgrade completes before the server
     * has attached it, and a firehose has no replay), shown by an event of a job of its own arriving.
     */
    private void awaitLive(FeedClient client, String tenant, EventType type) {
        UUID marker = fixtures.job(tenant, JobStatus.RUNNING);
        publish(marker, type);
        await().atMost(WAIT).until(() -> client.seqsOf(marker).size() == 1);
    }

    /** The premise of "nothing else arrived": the client stayed connected, never told to resync (and replay). */
    static void assertLiveThroughout(FeedClient client) {
        assertThat(client.controls("resync")).as("resync frames").isEmpty();
        assertThat(client.closed()).as("closed").isFalse();
    }

    private void publish(UUID job, EventType type) {
        fixtures.publish(fixtures.append(job, List.of(JobFixtures.event(type, 0, 0))));
    }
}
