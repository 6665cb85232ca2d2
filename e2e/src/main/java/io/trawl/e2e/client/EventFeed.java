package io.trawl.e2e.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A WebSocket client of one job's feed ({@code /ws/jobs/{id}?after=k}) with the reconnect discipline the docs
 * ask of clients: remember the last {@code seq}, and reconnect with it — after a {@code resync}, after a dropped
 * connection, or (to test exactly that) on purpose every {@code reconnectEvery} events. Keeps everything it
 * received, in arrival order, with the wall-clock time of arrival.
 */
public final class EventFeed implements AutoCloseable {

    private static final java.util.Set<String> TERMINAL = java.util.Set.of("job.completed", "job.failed", "job.killed");

    /** One event envelope as received. {@code live} is false for events sent before {@code replayed}. */
    public record Received(long seq, String type, Instant time, Instant receivedAt, boolean live, JsonNode event) {
        public JsonNode data() {
            return event.path("data");
        }
    }

    private final String wsBase;
    private final String jobId;
    private final String apiKey;
    private final int reconnectEvery;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-feed");
        t.setDaemon(true);
        return t;
    });
    /**
     * Guarded by itself. Not a CopyOnWriteArrayList: a crawl's feed holds ~10,000 events, and copying the array on
     * every add made about 200 MB of garbage per crawl in this client (by our count), whose GC pauses (median
     * 45 ms, max 108 ms) then counted as event latency in the bench.
     */
    private final List<Received> received = new ArrayList<>();
    private final List<String> controls = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Received> terminal = new CompletableFuture<>();
    private final Consumer<Received> onEvent;
    private volatile long lastSeq;
    private volatile boolean closed;
    private volatile WebSocket socket;
    private volatile int connects;
    private volatile int resyncs;

    private EventFeed(String eventBase, String jobId, String apiKey, long after, int reconnectEvery,
            Consumer<Received> onEvent) {
        this.wsBase = eventBase.replaceFirst("^http", "ws");
        this.jobId = jobId;
        this.apiKey = apiKey;
        this.lastSeq = after;
        this.reconnectEvery = reconnectEvery;
        this.onEvent = onEvent;
    }

    /** Connects to {@code /ws/jobs/{jobId}?after=after}; {@code reconnectEvery} 0 means only when needed. */
    public static EventFeed open(String eventBase, String jobId, String apiKey, long after, int reconnectEvery) {
        return open(eventBase, jobId, apiKey, after, reconnectEvery, e -> { });
    }

    public static EventFeed open(String eventBase, String jobId, String apiKey, long after, int reconnectEvery,
            Consumer<Received> onEvent) {
        EventFeed feed = new EventFeed(eventBase, jobId, apiKey, after, reconnectEvery, onEvent);
        feed.connect().join();
        return feed;
    }

    private CompletableFuture<WebSocket> connect() {
        URI uri = URI.create(wsBase + "/ws/jobs/" + jobId + "?after=" + lastSeq);
        connects++;
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + apiKey)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener())
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        problems.add("connect " + uri + " failed: " + failure);
                        reconnectLater();
                    } else {
                        socket = ws;
                    }
                });
    }

    private void reconnectLater() {
        if (!closed && !terminal.isDone()) {
            scheduler.schedule(() -> {
                if (!closed) {
                    connect();
                }
            }, 500, TimeUnit.MILLISECONDS);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private boolean live;
        private int sinceConnect;
        private boolean leaving;
        private boolean purposeful;
        private boolean resyncing;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(webSocket, text);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket webSocket, String text) {
            Instant arrived = Instant.now(); // on arrival, before this client's own parsing
            if (leaving) {
                return; // we closed on purpose: whatever still arrives is for the next connection to get again
            }
            JsonNode msg;
            try {
                msg = TrawlApi.JSON.readTree(text);
            } catch (Exception e) {
                problems.add("not JSON: " + TrawlApi.abbreviate(text));
                return;
            }
            if (msg.has("seq")) {
                Received r = new Received(msg.get("seq").asLong(), msg.path("type").asText(),
                        Instant.parse(msg.path("time").asText()), arrived, live, msg);
                synchronized (received) {
                    received.add(r);
                }
                lastSeq = Math.max(lastSeq, r.seq());
                onEvent.accept(r);
                if (TERMINAL.contains(r.type())) {
                    terminal.complete(r);
                }
                sinceConnect++;
                if (reconnectEvery > 0 && sinceConnect >= reconnectEvery && !terminal.isDone()) {
                    leaving = true;
                    purposeful = true;
                    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "reconnecting on purpose")
                            .whenComplete((w, f) -> scheduler.execute(() -> {
                                webSocket.abort();
                                if (!closed) {
                                    connect();
                                }
                            }));
                }
                return;
            }
            String type = msg.path("type").asText();
            controls.add(text);
            switch (type) {
                case "replayed" -> live = true;
                case "resync" -> {
                    resyncs++;
                    leaving = true;
                    resyncing = true;
                    // the server closes after it; reconnect from the after it names (our lastSeq)
                }
                case "error" -> problems.add("refused: " + text);
                default -> problems.add("unknown control message: " + text);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (purposeful) {
                return null; // handle() reconnects once our close went out
            }
            if (!resyncing && !closed && !terminal.isDone()) {
                problems.add("server closed " + statusCode + " " + reason + " after seq " + lastSeq);
            }
            reconnectLater();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closed && !purposeful) {
                if (!resyncing) {
                    problems.add("error after seq " + lastSeq + ": " + error);
                }
                reconnectLater();
            }
        }
    }

    /** Waits for job.completed / failed / killed; fails with what was received. */
    public Received awaitTerminal(Duration timeout) {
        try {
            return terminal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("WebSocket feed of job " + jobId + ": no terminal event within " + timeout
                    + "; last seq " + lastSeq + ", " + received().size() + " events, " + connects + " connections, problems "
                    + problems);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until an event with seq ≥ {@code seq} arrived. */
    public void awaitSeq(long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastSeq < seq) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("WebSocket feed of job " + jobId + ": expected seq " + seq + " within " + timeout
                        + ", last seq " + lastSeq + ", problems " + problems);
            }
            TrawlApi.sleep(50);
        }
    }

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** The seqs in arrival order (duplicates and gaps would show). */
    public List<Long> seqs() {
        return received().stream().map(Received::seq).toList();
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** Connections opened (1 + reconnects). */
    public int connects() {
        return connects;
    }

    public int resyncs() {
        return resyncs;
    }

    public List<String> controls() {
        return List.copyOf(controls);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((w, f) -> ws.abort());
        }
        scheduler.shutdownNow();
    }
}
