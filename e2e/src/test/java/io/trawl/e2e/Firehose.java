package io.trawl.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.TrawlApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A client of a tenant's live firehose {@code /ws/events}: keeps every message it gets. */
final class Firehose implements AutoCloseable {

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final WebSocket socket;

    Firehose(String eventBase, String apiKey) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + apiKey)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(eventBase.replaceFirst("^http", "ws") + "/ws/events"), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                messages.add(TrawlApi.JSON.readTree(text.toString()));
                            } catch (Exception e) {
                                messages.add(TrawlApi.JSON.createObjectNode().put("unparsable", text.toString()));
                            }
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(15, TimeUnit.SECONDS);
    }

    /** Envelopes of one job, in arrival order. */
    List<Long> seqsOf(String jobId) {
        return messages.stream().filter(m -> m.has("seq") && m.path("jobId").asText().equals(jobId))
                .map(m -> m.path("seq").asLong()).toList();
    }

    boolean resynced() {
        return messages.stream().anyMatch(m -> m.path("type").asText().equals("resync"));
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                .whenComplete((w, f) -> socket.abort());
    }
}
