package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventType;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import io.vertx.core.http.UpgradeRejectedException;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@code /ws/jobs/{id}}: replay then live, the replayed marker, refusals, auth on the upgrade, limits. */
@QuarkusTest
class JobFeedWebSocketTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Test
    void replaysHistoryAfterKThenFollowsLiveEventsWithTheStoredBytes() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        List<EventEnvelope> history = fixtures.append(job, 5);
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, "after=2", "test-key");
        try {
            await().atMost(WAIT).until(() -> client.controls("replayed").size() == 1);
            assertThat(client.seqs).containsExactly(3L, 4L, 5L);
            JsonNode replayed = client.controls("replayed").get(0);
            assertThat(replayed.get("after").asLong()).isEqualTo(5);
            assertThat(replayed.get("terminal").asBoolean()).isFalse();
            assertThat(replayed.get("status").asText()).isEqualTo("running");

            List<EventEnvelope> live = fixtures.appendAndPublish(job, 3);
            await().atMost(WAIT).until(() -> client.seqs.size() == 6);
            assertThat(client.seqs).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
            // The same bytes as the producer published (replayed ones as well as live ones).
            assertThat(client.texts.get(0)).isEqualTo(WireJson.encodeString(history.get(2)));
            assertThat(client.texts.get(5)).isEqualTo(WireJson.encodeString(live.get(2)));
        } finally {
            client.close();
        }
    }

    @Test
    void afterZeroReplaysEverythingAndAfterTheEndReplaysNothing() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 4);
        FeedClient all = FeedClient.connect(base, "/ws/jobs/" + job, null, "test-key");
        FeedClient none = FeedClient.connect(base, "/ws/jobs/" + job, "after=4", "test-key");
        try {
            await().atMost(WAIT).until(() -> all.controls("replayed").size() == 1
                    && none.controls("replayed").size() == 1);
            assertThat(all.seqs).containsExactly(1L, 2L, 3L, 4L);
            assertThat(none.seqs).isEmpty();
        } finally {
            all.close();
            none.close();
        }
    }

    @Test
    void aFinishedJobSaysSoAfterItsReplay() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 2);
        fixtures.append(job, List.of(JobFixtures.event(EventType.JOB_COMPLETED, 0, 0)));
        fixtures.status(job, JobStatus.COMPLETED);
        for (String after : List.of("0", "3")) {
            FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, "after=" + after, "test-key");
            try {
                await().atMost(WAIT).until(() -> client.controls("replayed").size() == 1);
                JsonNode replayed = client.controls("replayed").get(0);
                assertThat(replayed.get("terminal").asBoolean()).isTrue();
                assertThat(replayed.get("status").asText()).isEqualTo("completed");
                assertThat(replayed.get("after").asLong()).isEqualTo(3);
                assertThat(client.seqs).isEqualTo(LongStream.rangeClosed(Long.parseLong(after) + 1, 3).boxed().toList());
            } finally {
                client.close();
            }
        }
    }

    @Test
    void unknownMalformedAndOtherTenantsJobsAreRefusedWith4404() {
        UUID globexJob = fixtures.job("globex", JobStatus.RUNNING);
        fixtures.append(globexJob, 3);
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", globexJob.toString())) {
            FeedClient client = FeedClient.connect(base, "/ws/jobs/" + id, null, "test-key");
            await().atMost(WAIT).until(client::closed);
            assertThat(client.closeCode(WAIT)).isEqualTo(4404);
            JsonNode error = client.controls("error").get(0);
            assertThat(error.at("/problem/status").asInt()).isEqualTo(404);
            assertThat(error.at("/problem/detail").asText()).contains("no job");
            assertThat(client.seqs).isEmpty();
        }
    }

    @Test
    void badAfterValuesAreRefusedWith4400() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 3);
        for (String after : List.of("-1", "abc", "1.5", "4", "99999999999999999999")) {
            FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, "after=" + after, "test-key");
            await().atMost(WAIT).until(client::closed);
            assertThat(client.closeCode(WAIT)).as("after=" + after).isEqualTo(4400);
            JsonNode error = client.controls("error").get(0);
            assertThat(error.at("/problem/status").asInt()).isEqualTo(400);
            assertThat(error.at("/problem/errors/0/field").asText()).isEqualTo("after");
        }
    }

    @Test
    void theUpgradeNeedsAKnownKeyInTheHeaderOrTheAccessTokenParameter() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 1);
        assertThat(status(FeedClient.refused(base, "/ws/jobs/" + job, null, null, null))).isEqualTo(401);
        assertThat(status(FeedClient.refused(base, "/ws/jobs/" + job, null, "wrong-key", null))).isEqualTo(401);
        assertThat(status(FeedClient.refused(base, "/ws/events", null, null, null))).isEqualTo(401);

        FeedClient browser = FeedClient.connect(base, "/ws/jobs/" + job, "access_token=test-key", null);
        try {
            await().atMost(WAIT).until(() -> browser.controls("replayed").size() == 1);
            assertThat(browser.seqs).containsExactly(1L);
        } finally {
            browser.close();
        }
    }

    @Test
    void aBrowserOriginOutsideTheAllowListIsRefused() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        assertThat(status(FeedClient.refused(base, "/ws/jobs/" + job, null, "test-key", "https://evil.example")))
                .isEqualTo(403);
        assertThat(FeedClient.refused(base, "/ws/jobs/" + job, null, "test-key", "http://localhost:1234")).isNull();
    }

    @Test
    void anOversizedClientFrameClosesWith1009() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, null, "test-key");
        client.connection().sendTextAndAwait("x".repeat(16 * 1024));
        await().atMost(WAIT).until(client::closed);
        assertThat(client.closeCode(WAIT)).isEqualTo(1009);
    }

    @Test
    void heartbeatPingsKeepTheConnectionAlive() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + job, null, "test-key");
        try {
            // %test pings every second (20 s by default).
            await().atMost(WAIT).until(() -> client.pings.get() >= 2);
            assertThat(client.closed()).isFalse();
        } finally {
            client.close();
        }
    }

    static int status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
        }
        throw new AssertionError("not an upgrade rejection", failure);
    }
}
