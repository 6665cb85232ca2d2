package io.trawl.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import io.trawl.event.support.SseClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Replay after retention deleted a finished job's events: an explicit answer on every surface (410 on REST and
 * SSE, a {@code gone} frame and close 4410 on the WebSocket) instead of {@code hasMore: true, next: 0} forever
 * or a feed that never says it is done.
 */
@QuarkusTest
class RetainedHistoryTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer test-key");

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource("/api/v1/jobs/")
    URI jobs;

    @Inject
    JobFixtures fixtures;

    @Inject
    Pool pool;

    /** A completed job with events 1..10, of which retention deleted those with seq below {@code keepFrom}. */
    UUID purgedJob(long keepFrom) {
        UUID job = fixtures.job("acme", JobStatus.COMPLETED);
        fixtures.append(job, 10);
        pool.preparedQuery("DELETE FROM trawl.job_events WHERE job_id = $1 AND seq < $2")
                .execute(Tuple.of(job, keepFrom)).await().atMost(WAIT);
        return job;
    }

    @Test
    void restReplayOfAPurgedHistoryIsGoneNotAnEndlessEmptyPage() {
        UUID job = purgedJob(11);
        given().auth().oauth2("test-key").get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(410).contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:trawl:problem:gone"))
                .body("detail", containsString("deleted by retention"));
        // the end of the history is still a valid (empty, final) page
        given().auth().oauth2("test-key").queryParam("after", 10).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("items.size()", equalTo(0)).body("hasMore", equalTo(false));
    }

    @Test
    void restReplayOfAPartlyPurgedHistoryNamesTheEarliestStoredSeq() {
        UUID job = purgedJob(5);
        given().auth().oauth2("test-key").queryParam("after", 2).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(410).body("detail", containsString("earliest stored is seq 5"));
        given().auth().oauth2("test-key").queryParam("after", 4).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("items.size()", equalTo(6)).body("hasMore", equalTo(false));
    }

    @Test
    void sseOfAPurgedHistoryIsRefusedWith410() throws Exception {
        UUID job = purgedJob(11);
        try (SseClient sse = SseClient.open(jobs.resolve(job + "/events/stream"), AUTH)) {
            assertThat(sse.status()).isEqualTo(410);
            assertThat(sse.header("Content-Type")).startsWith("application/problem+json");
            assertThat(WireJson.tree(sse.body()).get("type").asText()).isEqualTo("urn:trawl:problem:gone");
        }
    }

    @Test
    void webSocketOfAPurgedHistoryGetsAGoneFrameAndIsClosed() {
        UUID whole = purgedJob(11);
        FeedClient client = FeedClient.connect(base, "/ws/jobs/" + whole, "after=0", "test-key");
        await().atMost(WAIT).until(client::closed);
        assertThat(client.closeCode(WAIT)).isEqualTo(4410);
        JsonNode gone = client.controls("gone").get(0);
        assertThat(gone.get("after").asLong()).isZero();
        assertThat(gone.get("earliestSeq").isNull()).isTrue();
        assertThat(gone.at("/problem/status").asInt()).isEqualTo(410);
        assertThat(client.seqs).isEmpty();

        UUID partly = purgedJob(5);
        FeedClient second = FeedClient.connect(base, "/ws/jobs/" + partly, "after=1", "test-key");
        await().atMost(WAIT).until(second::closed);
        assertThat(second.controls("gone").get(0).get("earliestSeq").asLong()).isEqualTo(5);

        // resuming from just before the earliest stored event replays the rest and says it is done
        FeedClient rest = FeedClient.connect(base, "/ws/jobs/" + partly, "after=4", "test-key");
        try {
            await().atMost(WAIT).until(() -> rest.controls("replayed").size() == 1);
            assertThat(rest.seqs).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(rest.controls("replayed").get(0).get("terminal").asBoolean()).isTrue();
        } finally {
            rest.close();
        }
    }
}
