package io.trawl.event.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.trawl.common.json.WireJson;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A real WebSocket client of the feed (Quarkus' {@link BasicWebSocketConnector}) that records what it receives:
 * the envelopes' seqs in arrival order, the raw envelope texts, control messages and the close reason.
 */
public final class FeedClient {

    public final List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
    public final List<String> texts = Collections.synchronizedList(new ArrayList<>());
    public final List<JsonNode> controls = Collections.synchronizedList(new ArrayList<>());
    public final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    public final AtomicInteger pings = new AtomicInteger();
    private volatile WebSocketClientConnection connection;
    private volatile Consumer<Long> onEvent = seq -> { };

    private FeedClient() {
    }

    /** Connects to {@code path} (e.g. {@code /ws/jobs/<id>}) with a query string and an optional API key. */
    public static FeedClient connect(URI base, String path, String query, String apiKey) {
        FeedClient client = new FeedClient();
        client.connection = client.connector(base, path, query, apiKey).connectAndAwait();
        return client;
    }

    /** Like {@link #connect} but calls {@code onEvent} with each event's seq on the receiving thread. */
    public static FeedClient connect(URI base, String path, String query, String apiKey, Consumer<Long> onEvent) {
        FeedClient client = new FeedClient();
        client.onEvent = onEvent;
        client.connection = client.connector(base, path, query, apiKey).connectAndAwait();
        return client;
    }

    /** Connects expecting the upgrade to fail; returns the failure. */
    public static Throwable refused(URI base, String path, String query, String apiKey, String origin) {
        FeedClient client = new FeedClient();
        BasicWebSocketConnector connector = client.connector(base, path, query, apiKey);
        if (origin != null) {
            connector.addHeader("Origin", origin);
        }
        try {
            client.connection = connector.connect().await().atMost(Duration.ofSeconds(10));
            client.close();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private BasicWebSocketConnector connector(URI base, String path, String query, String apiKey) {
        String root = base.toString().replaceAll("/+$", "");
        BasicWebSocketConnector connector = BasicWebSocketConnector.create()
                .baseUri(URI.create(root + "/" + (query == null ? "" : "?" + query)))
                .path(path)
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .onTextMessage((c, text) -> received(text))
                .onPing((c, data) -> pings.incrementAndGet())
                .onClose((c, reason) -> closeReason.set(reason));
        if (apiKey != null) {
            connector.addHeader("Authorization", "Bearer " + apiKey);
        }
        return connector;
    }

    private void received(String text) {
        JsonNode node = WireJson.tree(text);
        if (node.has("seq")) {
            long seq = node.get("seq").asLong();
            seqs.add(seq);
            texts.add(text);
            onEvent.accept(seq);
        } else {
            controls.add(node);
        }
    }

    /** The texts of the envelopes of one job, in arrival order. */
    public List<String> textsOf(UUID job) {
        String id = "\"jobId\":\"" + job + "\"";
        synchronized (texts) {
            return texts.stream().filter(t -> t.contains(id)).toList();
        }
    }

    /** The seqs of one job's envelopes, in arrival order. */
    public List<Long> seqsOf(UUID job) {
        return textsOf(job).stream().map(t -> WireJson.tree(t).get("seq").asLong()).toList();
    }

    public WebSocketClientConnection connection() {
        return connection;
    }

    public long lastSeq() {
        synchronized (seqs) {
            return seqs.isEmpty() ? -1 : seqs.get(seqs.size() - 1);
        }
    }

    /** The control messages of {@code type} received so far. */
    public List<JsonNode> controls(String type) {
        synchronized (controls) {
            return controls.stream().filter(c -> type.equals(c.path("type").asText())).toList();
        }
    }

    public boolean closed() {
        return closeReason.get() != null || connection.isClosed();
    }

    /**
     * The close code the server sent. {@link #closed()} can turn true (the connection is closed) a moment before the
     * close callback has recorded the reason, so this waits for the reason itself.
     */
    public int closeCode(java.time.Duration within) {
        org.awaitility.Awaitility.await().atMost(within).until(() -> closeReason.get() != null);
        return closeReason.get().getCode();
    }

    public void close() {
        if (connection != null && connection.isOpen()) {
            connection.closeAndAwait();
        }
    }
}
