package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventType;
import io.trawl.common.event.NewEvent;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.support.JobFixtures;
import io.trawl.event.support.RawSseStream;
import io.trawl.event.support.RawWebSocket;
import io.trawl.event.support.SseClient;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading does not grow the server's memory: its live buffer fills to the configured
 * bound, then it gets {@code {"type":"resync","after":<last seq sent>}} and is closed. When it finally reads,
 * it finds every event up to that seq, in order, then the resync, then the end (WebSocket close code 1013; the
 * end of the SSE response). Both clients are raw sockets with a tiny receive buffer, so they really stop reading.
 */
@QuarkusTest
class SlowConsumerTest {

    static final int PADDING = 16 * 1024;

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Inject
    MeterRegistry registry;

    @Inject
    TrawlConfig config;

    @Test
    void aSubscriberThatStopsReadingGetsAResyncAndIsClosedWithBoundedMemory() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        int bufferSize = config.feed().bufferSize();
        double resyncs = resyncs();
        try (RawWebSocket ws = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/jobs/" + job + "?after=0",
                "test-key", 4096)) {
            JsonNode replayed = WireJson.tree(ws.next());
            assertThat(replayed.get("type").asText()).isEqualTo("replayed");
            int subscribers = subscribers();

            // The client stops reading; the job produces big events until the server gives up on it.
            double maxBuffered = 0;
            int produced = 0;
            try (Channel channel = fixtures.channel()) {
                while (resyncs() == resyncs) {
                    assertThat(produced).as("no resync after %d events", produced).isLessThan(6_000);
                    List<NewEvent> batch = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(JobFixtures.event(EventType.TASK_SUCCEEDED, produced + i, PADDING));
                    }
                    JobFixtures.publish(channel, fixtures.append(job, batch));
                    produced += batch.size();
                    maxBuffered = Math.max(maxBuffered, buffered());
                }
            }
            maxBuffered = Math.max(maxBuffered, buffered());
            assertThat(maxBuffered).as("events held for subscribers").isLessThanOrEqualTo(bufferSize);
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() <= subscribers - 1);

            // Now it reads: everything it was sent, in order, then the resync, then the close.
            long last = 0;
            JsonNode resync = null;
            String text;
            while ((text = ws.next()) != null) {
                JsonNode node = WireJson.tree(text);
                if (node.has("seq")) {
                    assertThat(resync).as("an event after the resync").isNull();
                    assertThat(node.get("seq").asLong()).isEqualTo(last + 1);
                    last = node.get("seq").asLong();
                } else {
                    resync = node;
                }
            }
            assertThat(resync).isNotNull();
            assertThat(resync.get("type").asText()).isEqualTo("resync");
            assertThat(resync.get("after").asLong()).isEqualTo(last);
            assertThat(last).isLessThan(produced);
            assertThat(ws.closeCode()).isEqualTo(1013);
        }
    }

    @Test
    void anSseSubscriberThatStopsReadingGetsAResyncEventAndTheStreamEnds() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        int bufferSize = config.feed().bufferSize();
        double resyncs = resyncs("sse");
        try (RawSseStream sse = RawSseStream.open(base.getHost(), base.getPort(),
                "/api/v1/jobs/" + job + "/events/stream?after=0", "test-key", 4096)) {
            assertThat(sse.next().name()).isEqualTo("replayed");
            int produced = 0;
            double maxBuffered = 0;
            try (Channel channel = fixtures.channel()) {
                while (resyncs("sse") == resyncs) {
                    assertThat(produced).as("no resync after %d events", produced).isLessThan(6_000);
                    List<NewEvent> batch = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(JobFixtures.event(EventType.TASK_SUCCEEDED, produced + i, PADDING));
                    }
                    JobFixtures.publish(channel, fixtures.append(job, batch));
                    produced += batch.size();
                    maxBuffered = Math.max(maxBuffered, buffered());
                }
            }
            assertThat(maxBuffered).as("events held for subscribers").isLessThanOrEqualTo(bufferSize);

            long last = 0;
            SseClient.Event resync = null;
            for (SseClient.Event event = sse.next(); event != null; event = sse.next()) {
                if (event.id() != null) {
                    assertThat(resync).as("an event after the resync").isNull();
                    assertThat(Long.parseLong(event.id())).isEqualTo(last + 1);
                    assertThat(WireJson.tree(event.data()).get("seq").asLong()).isEqualTo(last + 1);
                    last++;
                } else if ("resync".equals(event.name())) {
                    resync = event;
                }
            }
            assertThat(resync).as("a resync event, then the end of the stream").isNotNull();
            assertThat(WireJson.tree(resync.data()).get("after").asLong()).isEqualTo(last);
            assertThat(last).isLessThan(produced);
        }
    }

    private double resyncs() {
        return resyncs("ws-job");
    }

    private double resyncs(String surface) {
        return registry.find("trawl.feed.resyncs").tag("surface", surface).counter().count();
    }

    private double buffered() {
        return registry.find("trawl.feed.buffered").gauge().value();
    }

    private int subscribers() {
        return (int) registry.find("trawl.feed.subscribers").tag("surface", "ws-job").gauge().value();
    }
}
