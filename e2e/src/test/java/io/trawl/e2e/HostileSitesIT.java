package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.FixtureServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 8: hostile pages, all seeds of one job ({@code timeoutMs} 2 s, {@code maxBytes} 1 MB,
 * {@code maxAttempts} 3). The address guard allows only 127.0.0.2/32; a "bait" server on 127.0.0.1 counts
 * every request that would prove a refused address was reached anyway.
 */
@ExtendWith(E2e.class)
@Order(5)
@DisplayName("8: hostile pages — internal redirects refused, 50 MB capped, endless page timed out, 503×2 retried, "
        + "robots honoured")
class HostileSitesIT {

    static E2eEnvironment env;
    static FixtureServer bait;
    static final long FIFTY_MB = 50L * 1024 * 1024;
    static final int MAX_BYTES = 1_000_000;
    static final int TIMEOUT_MS = 2000;
    static final Map<String, AtomicLong> bytesWritten = new ConcurrentHashMap<>();
    /** Counted down when the 50 MB handler of a path returned: from then on its byte count is final. */
    static final Map<String, CountDownLatch> hugeServed = new ConcurrentHashMap<>();
    static final AtomicInteger flaky = new AtomicInteger();
    static String jobId;
    static JsonNode job;
    static Map<String, JsonNode> tasks;
    static List<JsonNode> events;

    @BeforeAll
    static void crawlHostilePages() {
        bait = FixtureServer.start("127.0.0.1", 2);
        bait.onPrefix("/", ex -> FixtureServer.html(ex, "<h1>internal</h1>"));
        FixtureServer h = env.hostile;
        h.on("/robots.txt", ex -> FixtureServer.send(ex, 200, "text/plain", "User-agent: *\nDisallow: /private/\n"));
        h.on("/ok", ex -> FixtureServer.html(ex, "<html><body><h1>Fine</h1></body></html>"));
        h.on("/to-loopback", ex -> redirect(ex, bait.url("/secret")));
        h.on("/to-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"));
        h.on("/huge", ex -> huge(ex, "/huge", false));
        h.on("/huge-declared", ex -> huge(ex, "/huge-declared", true));
        h.on("/flaky", ex -> {
            if (flaky.incrementAndGet() <= 2) {
                FixtureServer.send(ex, 503, "text/plain", "try again later");
            } else {
                FixtureServer.html(ex, "<html><body><h1>Third time lucky</h1></body></html>");
            }
        });
        h.on("/private/secret", ex -> FixtureServer.html(ex, "<html><body><h1>Secret</h1></body></html>"));
        env.tarpit.on("/never-ending", HostileSitesIT::neverEnding);

        ObjectNode spec = TrawlApi.JSON.createObjectNode();
        spec.put("name", "e2e hostile pages");
        spec.putArray("seeds").add(h.url("/ok")).add(h.url("/to-loopback")).add(h.url("/to-metadata"))
                .add(bait.url("/direct")).add(h.url("/huge")).add(h.url("/huge-declared"))
                .add(env.tarpit.url("/never-ending")).add(h.url("/flaky")).add(h.url("/private/secret"));
        spec.putObject("crawl").put("maxDepth", 0);
        spec.putObject("extract").putObject("fields").put("title", "h1");
        spec.putObject("limits").put("perHostConcurrency", 8).put("perHostDelayMs", 0).put("timeoutMs", TIMEOUT_MS)
                .put("maxBytes", MAX_BYTES).put("maxAttempts", 3);
        spec.put("respectRobots", true);
        jobId = env.api.createJob(spec).get("id").asText();
        E2eEnvironment.log("job %s: 9 hostile seeds", jobId);
        job = env.api.awaitStatus(jobId, Duration.ofSeconds(90), Crawl.TERMINAL);
        tasks = new LinkedHashMap<>();
        env.api.tasks(jobId, null).forEach(t -> tasks.put(t.path("url").asText(), t));
        events = Checks.assertStoredEvents(env.api, jobId);
        E2eEnvironment.log("hostile job %s: %s", job.path("status").asText(), job.path("progress"));
        tasks.values().forEach(t -> E2eEnvironment.log("  %-9s attempt %d %s — %s", t.path("state").asText(),
                t.path("attempt").asInt(), t.path("url").asText(), t.path("lastError").asText("")));
    }

    static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    /** 50 MB of HTML, streamed in 64 KB chunks (chunked, or with the full Content-Length declared up front). */
    static void huge(HttpExchange ex, String path, boolean declared) throws IOException {
        AtomicLong written = bytesWritten.computeIfAbsent(path, p -> new AtomicLong());
        byte[] chunk = ("<p>" + "x".repeat(65_536 - 8) + "</p>\n").getBytes(StandardCharsets.US_ASCII);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, declared ? FIFTY_MB : 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (long sent = 0; sent < FIFTY_MB; sent += chunk.length) {
                int n = (int) Math.min(chunk.length, FIFTY_MB - sent);
                out.write(chunk, 0, n);
                written.addAndGet(n);
            }
        } finally {
            hugeServed.computeIfAbsent(path, p -> new CountDownLatch(1)).countDown();
        }
    }

    /** Bytes the 50 MB handler of {@code path} wrote, once it returned (the fetcher hung up, or it sent all). */
    static long bytesServed(String path) throws InterruptedException {
        assertThat(hugeServed.computeIfAbsent(path, p -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS))
                .as("the handler of " + path + " returned (its write failed once the fetcher hung up)").isTrue();
        return bytesWritten.getOrDefault(path, new AtomicLong()).get();
    }

    /** A page that never ends: a paragraph every 200 ms (so no read timeout fires), for at most a minute. */
    static void neverEnding(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (OutputStream out = ex.getResponseBody()) {
            out.write("<html><body><h1>Endless</h1>\n".getBytes(StandardCharsets.US_ASCII));
            while (System.nanoTime() < until) {
                out.write("<p>still going</p>\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode task(FixtureServer server, String path) {
        JsonNode t = tasks.get(server.url(path));
        assertThat(t).as("task of " + server.url(path) + " among " + tasks.keySet()).isNotNull();
        return t;
    }

    static void assertFailed(JsonNode task, int attempts, String... errorParts) {
        String seen = task.toString();
        assertThat(task.path("state").asText()).as("state of " + seen).isEqualTo("failed");
        assertThat(task.path("attempt").asInt()).as("attempts of " + seen).isEqualTo(attempts);
        for (String part : errorParts) {
            assertThat(task.path("lastError").asText()).as("lastError of " + task.path("url")).contains(part);
        }
        JsonNode failed = Checks.ofType(events, "task.failed").stream()
                .filter(e -> e.path("data").path("taskId").asLong() == task.path("id").asLong()).findFirst()
                .orElseThrow(() -> new AssertionError("no task.failed event for " + seen));
        assertThat(failed.path("data").path("error").asText()).as("task.failed error of " + task.path("url"))
                .isEqualTo(task.path("lastError").asText());
    }

    @Test
    @Order(1)
    @DisplayName("the job still completes: 2 pages succeed, 7 fail, each with its reason")
    void jobCompletes() {
        assertThat(job.path("status").asText()).as("status of " + TrawlApi.summary(job)).isEqualTo("completed");
        assertThat(job.path("progress").path("tasksTotal").asLong()).as("tasksTotal").isEqualTo(9);
        assertThat(job.path("progress").path("tasksFailed").asLong()).as("tasksFailed").isEqualTo(7);
        assertThat(job.path("progress").path("items").asLong()).as("items").isEqualTo(2);
    }

    @Test
    @Order(2)
    @DisplayName("redirects to 127.0.0.1 and 169.254.169.254 and a direct 127.0.0.1 seed are refused, never reached")
    void internalAddressesRefused() {
        assertFailed(task(env.hostile, "/to-loopback"), 1, "blocked-address", "127.0.0.1", "loopback");
        assertFailed(task(env.hostile, "/to-metadata"), 1, "blocked-address", "169.254.169.254", "link-local");
        assertFailed(task(bait, "/direct"), 1, "blocked-address", "127.0.0.1", "loopback");
        assertThat(bait.requests()).as("requests that reached the 127.0.0.1 bait server " + bait.hitsUnder("/")).isZero();
        assertThat(env.hostile.hits("/to-loopback")).as("requests of /to-loopback").isEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("a 50 MB page is cut off at maxBytes (chunked and with Content-Length)")
    void hugePageCapped() throws InterruptedException {
        assertFailed(task(env.hostile, "/huge"), 1, "too-large");
        assertFailed(task(env.hostile, "/huge-declared"), 1, "too-large");
        // not a snapshot while the server may still be writing: the counts once each handler returned
        long streamed = bytesServed("/huge");
        assertThat(streamed).as("bytes the server got to write of the chunked 50 MB page before the fetcher hung up "
                + "(maxBytes " + MAX_BYTES + "; the rest is socket buffers)").isLessThan(16L * 1024 * 1024);
        long declared = bytesServed("/huge-declared");
        assertThat(declared).as("bytes written of the 50 MB page with Content-Length").isLessThan(16L * 1024 * 1024);
        assertThat(env.hostile.hits("/huge")).as("requests of /huge (too-large is not retried)").isEqualTo(1);
    }

    @Test
    @Order(4)
    @DisplayName("a page that never ends is timed out after timeoutMs, on every attempt")
    void endlessPageTimedOut() {
        JsonNode t = task(env.tarpit, "/never-ending");
        assertFailed(t, 3, "timeout");
        assertThat(env.tarpit.hits("/never-ending")).as("requests of /never-ending (3 attempts)").isEqualTo(3);
        List<JsonNode> retrying = Checks.ofType(events, "task.retrying").stream()
                .filter(e -> e.path("data").path("taskId").asLong() == t.path("id").asLong()).toList();
        assertThat(retrying).as("task.retrying events of /never-ending").hasSize(2);
    }

    @Test
    @Order(5)
    @DisplayName("a page answering 503 twice then 200 succeeds on the third attempt")
    void flakyPageRetried() {
        JsonNode t = task(env.hostile, "/flaky");
        assertThat(t.path("state").asText()).as("state of " + t).isEqualTo("succeeded");
        assertThat(t.path("attempt").asInt()).as("attempts of " + t).isEqualTo(3);
        assertThat(env.hostile.hits("/flaky")).as("requests of /flaky").isEqualTo(3);
        List<JsonNode> retrying = Checks.ofType(events, "task.retrying").stream()
                .filter(e -> e.path("data").path("taskId").asLong() == t.path("id").asLong()).toList();
        assertThat(retrying).as("task.retrying events of /flaky").hasSize(2);
        retrying.forEach(e -> assertThat(e.path("data").path("error").asText()).as("retry reason").contains("503"));
        Map<String, Map<String, String>> items = Checks.ndjsonItems(env.api, jobId);
        assertThat(items).as("items of the hostile job").isEqualTo(Map.of(
                env.hostile.url("/ok"), Map.of("title", "Fine"),
                env.hostile.url("/flaky"), Map.of("title", "Third time lucky")));
    }

    @Test
    @Order(6)
    @DisplayName("a path robots.txt disallows is never requested")
    void robotsHonoured() {
        assertFailed(task(env.hostile, "/private/secret"), 1, "blocked-by-robots");
        assertThat(env.hostile.hits("/private/secret")).as("requests of the disallowed /private/secret").isZero();
        assertThat(env.hostile.hits("/robots.txt")).as("requests of /robots.txt (cached per origin, per scrape process)")
                .isBetween(1, env.system.scrapers().size());
    }

    @AfterAll
    static void close() {
        if (bait != null) {
            bait.close();
        }
    }
}
