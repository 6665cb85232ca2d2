package io.trawl.event.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A Server-Sent Events client (JDK HttpClient) that parses the stream into events on a background thread. */
public final class SseClient implements AutoCloseable {

    /** One SSE event: its id (null when absent), name (null: "message") and data. */
    public record Event(String id, String name, String data) {
    }

    public final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final HttpResponse<InputStream> response;
    private final Thread reader;
    private volatile boolean ended;
    private volatile int comments;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
        if (response.statusCode() == 200) {
            this.reader.start();
        }
    }

    public static SseClient open(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(response);
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The whole body of a non-200 response. */
    public String body() throws IOException {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The events with an id (envelopes), as seqs. */
    public List<Long> seqs() {
        synchronized (events) {
            return events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
        }
    }

    public List<Event> named(String name) {
        synchronized (events) {
            return events.stream().filter(e -> name.equals(e.name())).toList();
        }
    }

    /** Comment lines received (heartbeats). */
    public int comments() {
        return comments;
    }

    public boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String part = line.substring(5);
                    part = part.startsWith(" ") ? part.substring(1) : part;
                    data = data == null ? new StringBuilder(part) : data.append('\n').append(part);
                }
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        reader.interrupt();
    }
}
