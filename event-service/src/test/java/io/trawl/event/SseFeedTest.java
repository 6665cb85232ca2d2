package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.JobFixtures;
import io.trawl.event.support.SseClient;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/jobs/{id}/events/stream}: id = seq, Last-Event-ID resume, problems before streaming. */
@QuarkusTest
class SseFeedTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer test-key");

    @TestHTTPResource("/api/v1/jobs/")
    URI jobs;

    @Inject
    JobFixtures fixtures;

    @Test
    void streamsHistoryThenLiveWithTheSeqAsIdAndTheStoredBytesAsData() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        List<EventEnvelope> history = fixtures.append(job, 3);
        try (SseClient sse = SseClient.open(stream(job, "?after=1"), AUTH)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
            await().atMost(WAIT).until(() -> sse.named("replayed").size() == 1);
            assertThat(sse.seqs()).containsExactly(2L, 3L);
            JsonNode replayed = WireJson.tree(sse.named("replayed").get(0).data());
            assertThat(replayed.get("after").asLong()).isEqualTo(3);

            List<EventEnvelope> live = fixtures.appendAndPublish(job, 2);
            await().atMost(WAIT).until(() -> sse.seqs().size() == 4);
            assertThat(sse.seqs()).containsExactly(2L, 3L, 4L, 5L);
            List<SseClient.Event> envelopes = sse.events.stream().filter(e -> e.id() != null).toList();
            assertThat(envelopes.get(0).data()).isEqualTo(WireJson.encodeString(history.get(1)));
            assertThat(envelopes.get(3).data()).isEqualTo(WireJson.encodeString(live.get(1)));
            // %test sends a heartbeat comment every second on an idle stream.
            await().atMost(WAIT).until(() -> sse.comments() >= 1);
        }
    }

    @Test
    void aReconnectWithLastEventIdResumesRightAfterItEvenWhenAfterSaysOtherwise() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 5);
        long lastSeen;
        try (SseClient first = SseClient.open(stream(job, ""), AUTH)) {
            await().atMost(WAIT).until(() -> first.named("replayed").size() == 1);
            assertThat(first.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
            lastSeen = 3; // pretend the connection broke after id 3 arrived
        }
        fixtures.appendAndPublish(job, 2);
        try (SseClient resumed = SseClient.open(stream(job, "?after=0"),
                Map.of("Authorization", "Bearer test-key", "Last-Event-ID", Long.toString(lastSeen)))) {
            await().atMost(WAIT).until(() -> resumed.named("replayed").size() == 1);
            assertThat(resumed.seqs()).containsExactly(4L, 5L, 6L, 7L);
        }
    }

    @Test
    void refusalsAreProblemsBeforeAnythingIsStreamed() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 2);
        UUID globex = fixtures.job("globex", JobStatus.RUNNING);

        assertProblem(SseClient.open(stream(job, ""), Map.of()), 401, null);
        assertProblem(SseClient.open(stream(job, ""), Map.of("Authorization", "Bearer nope")), 401, null);
        assertProblem(SseClient.open(stream(UUID.randomUUID(), ""), AUTH), 404, null);
        assertProblem(SseClient.open(stream(globex, ""), AUTH), 404, null);
        assertProblem(SseClient.open(jobs.resolve("not-a-uuid/events/stream"), AUTH), 404, null);
        assertProblem(SseClient.open(stream(job, "?after=-4"), AUTH), 400, "after");
        assertProblem(SseClient.open(stream(job, "?after=3"), AUTH), 400, "after");
        assertProblem(SseClient.open(stream(job, ""),
                Map.of("Authorization", "Bearer test-key", "Last-Event-ID", "banana")), 400, "Last-Event-ID");
    }

    private static void assertProblem(SseClient response, int status, String field) throws Exception {
        try (response) {
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            JsonNode problem = WireJson.tree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(status);
            if (field != null) {
                assertThat(problem.at("/errors/0/field").asText()).isEqualTo(field);
            }
        }
    }

    private URI stream(UUID job, String query) {
        return jobs.resolve(job + "/events/stream" + query);
    }
}
