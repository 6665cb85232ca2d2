package io.trawl.e2e.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A black-box client of Trawl's REST surfaces: job-service ({@code /api/v1/jobs...}) and event-service's
 * replay ({@code /api/v1/jobs/{id}/events}). Plain JDK HTTP and Jackson; nothing of the services.
 */
public final class TrawlApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String jobBase;
    private final String eventBase;
    private final String apiKey;

    /** One HTTP exchange's result. */
    public record Response(int status, String contentType, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("not JSON (" + status + ", " + contentType + "): " + abbreviate(body), e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (contentType == null ? "" : contentType) + " " + abbreviate(body);
        }
    }

    public TrawlApi(String jobBase, String eventBase, String apiKey) {
        this.jobBase = jobBase;
        this.eventBase = eventBase;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String jobBase() {
        return jobBase;
    }

    public String eventBase() {
        return eventBase;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The same services with another key (another tenant). */
    public TrawlApi withKey(String key) {
        return new TrawlApi(jobBase, eventBase, key);
    }

    // ---- raw requests ---------------------------------------------------------------------------------------

    /** Any request; {@code headers} alternate name, value. The bearer key is added unless a header says otherwise. */
    public Response send(String method, String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        boolean auth = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                auth = true;
                if (headers[i + 1] == null) {
                    continue; // explicitly no Authorization header
                }
            }
            b.header(headers[i], headers[i + 1]);
        }
        if (!auth) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.headers().map(),
                    r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Response get(String url, String... headers) {
        return send("GET", url, null, headers);
    }

    public Response post(String url, String body, String... headers) {
        return send("POST", url, body, headers);
    }

    // ---- jobs ----------------------------------------------------------------------------------------------

    /** {@code POST /jobs}; fails unless 201. Returns the job view. */
    public JsonNode createJob(JsonNode spec, String... headers) {
        String[] all = concat(headers, "Content-Type", "application/json");
        Response r = post(jobBase + "/api/v1/jobs", spec.toString(), all);
        if (r.status() != 201) {
            throw new IllegalStateException("POST /api/v1/jobs: expected 201, got " + r);
        }
        return r.json();
    }

    public JsonNode job(String id) {
        Response r = get(jobBase + "/api/v1/jobs/" + id);
        if (r.status() != 200) {
            throw new IllegalStateException("GET /api/v1/jobs/" + id + ": expected 200, got " + r);
        }
        return r.json();
    }

    /** {@code POST /jobs/{id}/<command>} (pause, resume, kill, retry); returns the raw response. */
    public Response control(String id, String command) {
        return post(jobBase + "/api/v1/jobs/" + id + "/" + command, null);
    }

    /** Every task of the job (all pages), optionally of one state. */
    public List<JsonNode> tasks(String id, String state) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            String url = jobBase + "/api/v1/jobs/" + id + "/tasks?limit=500" + (state == null ? "" : "&state=" + state)
                    + (cursor == null ? "" : "&cursor=" + enc(cursor));
            Response r = get(url);
            if (r.status() != 200) {
                throw new IllegalStateException("GET tasks: expected 200, got " + r);
            }
            JsonNode page = r.json();
            page.get("items").forEach(all::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    /** Every stored event of the job from event-service's REST replay, in order. */
    public List<JsonNode> events(String id) {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            Response r = get(eventBase + "/api/v1/jobs/" + id + "/events?after=" + after + "&limit=1000");
            if (r.status() != 200) {
                throw new IllegalStateException("GET events: expected 200, got " + r);
            }
            JsonNode page = r.json();
            page.get("items").forEach(all::add);
            if (!page.path("hasMore").asBoolean(false)) {
                return all;
            }
            after = page.get("next").asLong();
        }
    }

    /** {@code GET /jobs/{id}/results} with {@code Accept: application/x-ndjson}: one object per line. */
    public List<JsonNode> exportNdjson(String id) {
        Response r = get(jobBase + "/api/v1/jobs/" + id + "/results", "Accept", "application/x-ndjson");
        if (r.status() != 200) {
            throw new IllegalStateException("NDJSON export: expected 200, got " + r);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("NDJSON line is not JSON: " + abbreviate(line), e);
                }
            }
        }
        return lines;
    }

    /** {@code GET /jobs/{id}/results} with {@code Accept: text/csv}: the raw body. */
    public Response exportCsv(String id) {
        Response r = get(jobBase + "/api/v1/jobs/" + id + "/results", "Accept", "text/csv");
        if (r.status() != 200) {
            throw new IllegalStateException("CSV export: expected 200, got " + r);
        }
        return r;
    }

    /**
     * Polls {@code GET /jobs/{id}} every 200 ms until {@code done} holds; fails after {@code timeout} with what
     * the job looked like last.
     */
    public JsonNode awaitJob(String id, Duration timeout, String what, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = job(id);
                if (done.test(last)) {
                    return last;
                }
            } catch (IllegalStateException e) {
                // a service restarting: keep polling until the deadline
                last = JSON.createObjectNode().put("error", e.getMessage());
            }
            sleep(200);
        }
        throw new AssertionError("job " + id + ": expected " + what + " within " + timeout + ", last seen: "
                + summary(last));
    }

    /** Waits for one of the given statuses. */
    public JsonNode awaitStatus(String id, Duration timeout, Set<String> statuses) {
        return awaitJob(id, timeout, "status in " + statuses, j -> statuses.contains(j.path("status").asText()));
    }

    /** A job view without its spec, for messages. */
    public static String summary(JsonNode job) {
        if (job == null) {
            return "nothing";
        }
        if (job instanceof ObjectNode o) {
            ObjectNode copy = o.deepCopy();
            copy.remove("spec");
            copy.remove("links");
            return copy.toString();
        }
        return job.toString();
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(a, 0, all, b.length, a.length);
        return all;
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() <= 600 ? flat : flat.substring(0, 600) + "…(" + flat.length() + " chars)";
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
