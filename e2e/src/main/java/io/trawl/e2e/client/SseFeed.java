package io.trawl.e2e.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client of {@code GET /api/v1/jobs/{id}/events/stream} that behaves like a browser's
 * {@code EventSource}: it remembers the last {@code id:} and reconnects with {@code Last-Event-ID} — when the
 * stream ends or (to test exactly that) on purpose every {@code reconnectEvery} events. Stops after a terminal
 * event.
 */
public final class SseFeed implements AutoCloseable {

    private static final java.util.Set<String> TERMINAL = java.util.Set.of("job.completed", "job.failed", "job.killed");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String url;
    private final String apiKey;
    private final int reconnectEvery;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile long lastId;
    private volatile boolean done;
    private volatile boolean closed;
    private volatile int connects;

    private SseFeed(String eventBase, String jobId, String apiKey, int reconnectEvery) {
        this.url = eventBase + "/api/v1/jobs/" + jobId + "/events/stream";
        this.apiKey = apiKey;
        this.reconnectEvery = reconnectEvery;
        this.reader = new Thread(this::run, "sse-" + jobId);
        reader.setDaemon(true);
    }

    /** Starts reading from the first event; {@code reconnectEvery} 0 means only when the stream ends. */
    public static SseFeed open(String eventBase, String jobId, String apiKey, int reconnectEvery) {
        SseFeed feed = new SseFeed(eventBase, jobId, apiKey, reconnectEvery);
        feed.reader.start();
        return feed;
    }

    private void run() {
        while (!closed && !done) {
            connects++;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                    .header("Authorization", "Bearer " + apiKey).header("Accept", "text/event-stream");
            if (lastId > 0) {
                request.header("Last-Event-ID", Long.toString(lastId));
            }
            try {
                HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    problems.add("status " + response.statusCode() + " after id " + lastId);
                    response.body().close();
                    sleep(500);
                    continue;
                }
                try (Stream<String> lines = response.body()) {
                    readStream(lines.iterator());
                }
            } catch (IOException e) {
                if (!closed && !done) {
                    problems.add("stream failed after id " + lastId + ": " + e);
                    sleep(500);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads events until the stream ends, a terminal event, or the purposeful reconnect point. */
    private void readStream(Iterator<String> lines) {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        int sinceConnect = 0;
        while (!closed && lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data.length() > 0 && event == null) {
                    try {
                        JsonNode envelope = TrawlApi.JSON.readTree(data.toString());
                        long seq = envelope.path("seq").asLong();
                        if (id == null || Long.parseLong(id) != seq) {
                            problems.add("id " + id + " does not match seq " + seq);
                        }
                        events.add(envelope);
                        lastId = seq;
                        sinceConnect++;
                        if (TERMINAL.contains(envelope.path("type").asText())) {
                            done = true;
                            return;
                        }
                        if (reconnectEvery > 0 && sinceConnect >= reconnectEvery) {
                            return; // closing the stream: the next request carries Last-Event-ID
                        }
                    } catch (IOException e) {
                        problems.add("data is not JSON: " + TrawlApi.abbreviate(data.toString()));
                    }
                }
                id = null;
                event = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
            }
        }
    }

    /** Waits until a terminal event was read; fails with what was seen. */
    public void awaitTerminal(Duration timeout) {
        try {
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!done) {
            throw new AssertionError("SSE feed " + url + ": no terminal event within " + timeout + "; last id " + lastId
                    + ", " + events.size() + " events, " + connects + " connections, problems " + problems);
        }
    }

    public List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    public List<Long> seqs() {
        return events.stream().map(e -> e.path("seq").asLong()).toList();
    }

    public int connects() {
        return connects;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
    }
}
