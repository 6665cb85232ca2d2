package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 9: malformed requests to the three services. Every one gets the 4xx it deserves, none a 500; on the
 * REST APIs (job-service, event-service) as {@code application/problem+json} whose {@code status} is the HTTP
 * status; and nothing is written (row counts of every table and both tenants' job views are the same before
 * and after). Runs first, while nothing else is going on.
 */
@ExtendWith(E2e.class)
@Order(1)
@DisplayName("9: malformed requests get a 4xx (problem+json), never a 500, and change nothing")
class MalformedRequestsIT {

    static E2eEnvironment env;
    static String ownJob;
    static String otherJob;
    static String before;
    static final String UNKNOWN = "00000000-0000-4000-8000-000000000000";
    static final String VALID = "{\"name\":\"ok\",\"seeds\":[\"http://x.example/\"],\"extract\":{\"fields\":{\"t\":\"h1\"}}}";

    /** One malformed request and the status it must get. */
    record Case(String service, String description, int expected, String method, String url, String body,
            String[] headers, boolean problemJson) {
    }

    @BeforeAll
    static void baseline() {
        // One finished job per tenant (a tiny crawl), so control calls and cross-tenant access have targets.
        DirectorySite site = new DirectorySite("malformed", 1, 1, 2).mount(env.sites);
        ownJob = env.api.createJob(site.spec(env.sites, "e2e baseline", 4), "Idempotency-Key", "baseline-1")
                .get("id").asText();
        otherJob = env.other.createJob(site.spec(env.sites, "e2e other tenant", 4)).get("id").asText();
        env.api.awaitStatus(ownJob, Duration.ofSeconds(60), Crawl.TERMINAL);
        env.other.awaitStatus(otherJob, Duration.ofSeconds(60), Crawl.TERMINAL);
        before = snapshot();
    }

    /** What "nothing written" compares: every table's rows, each job's status and event count, per tenant. */
    static String snapshot() {
        String tables = env.sql("select string_agg(t || '=' || n, ' ' order by t) from ("
                + " select 'jobs' t, count(*) n from trawl.jobs union all"
                + " select 'tasks', count(*) from trawl.tasks union all"
                + " select 'items', count(*) from trawl.items union all"
                + " select 'job_events', count(*) from trawl.job_events union all"
                + " select 'schedules', count(*) from trawl.schedules union all"
                + " select 'schedule_runs', count(*) from trawl.schedule_runs) c");
        String jobs = env.sql("select string_agg(id || ':' || status || ':' || event_seq || ':' || tasks_total, ' '"
                + " order by id) from trawl.jobs");
        return tables + " | " + jobs + " | e2e " + listing(env.api) + " | other " + listing(env.other);
    }

    static String listing(TrawlApi api) {
        JsonNode page = api.get(api.jobBase() + "/api/v1/jobs?limit=500").json();
        List<String> jobs = new ArrayList<>();
        page.get("items").forEach(j -> jobs.add(j.path("id").asText() + ":" + j.path("status").asText() + ":"
                + j.path("lastEventSeq").asText()));
        return jobs.toString();
    }

    static Stream<Case> cases() {
        String jobs = env.api.jobBase() + "/api/v1/jobs";
        String ev = env.api.eventBase() + "/api/v1/jobs";
        String scrape = env.system.scrapers().get(0).baseUrl();
        String json = "application/json";
        List<Case> c = new ArrayList<>();
        // ---- job-service: authentication
        c.add(job("POST /jobs without a key", 401, "POST", jobs, VALID, "Content-Type", json, "Authorization", null));
        c.add(job("POST /jobs with an unknown key", 401, "POST", jobs, VALID, "Content-Type", json, "Authorization",
                "Bearer nope"));
        c.add(job("GET /jobs with a malformed Authorization", 401, "GET", jobs, null, "Authorization", "Basic Zm9vOmJhcg=="));
        c.add(job("GET /workers without a key", 401, "GET", env.api.jobBase() + "/api/v1/workers", null,
                "Authorization", null));
        // ---- job-service: bodies
        c.add(job("POST /jobs, body not JSON", 400, "POST", jobs, "not json", "Content-Type", json));
        c.add(job("POST /jobs, empty body", 400, "POST", jobs, "", "Content-Type", json));
        c.add(job("POST /jobs, a JSON array", 400, "POST", jobs, "[]", "Content-Type", json));
        c.add(job("POST /jobs, JSON null", 400, "POST", jobs, "null", "Content-Type", json));
        c.add(job("POST /jobs, {}", 400, "POST", jobs, "{}", "Content-Type", json));
        c.add(job("POST /jobs, duplicate key", 400, "POST", jobs, "{\"name\":\"a\",\"name\":\"b\",\"seeds\":"
                + "[\"http://x.example/\"]}", "Content-Type", json));
        c.add(job("POST /jobs, trailing garbage", 400, "POST", jobs, VALID + " x", "Content-Type", json));
        c.add(job("POST /jobs, unknown field", 400, "POST", jobs, VALID.replace("{\"name\"", "{\"bogus\":1,\"name\""),
                "Content-Type", json));
        c.add(job("POST /jobs, seed not a URL", 400, "POST", jobs, VALID.replace("http://x.example/", "not a url"),
                "Content-Type", json));
        c.add(job("POST /jobs, ftp seed", 400, "POST", jobs, VALID.replace("http://x.example/", "ftp://x.example/"),
                "Content-Type", json));
        c.add(job("POST /jobs, bad include regex", 400, "POST", jobs, VALID.replace("\"extract\"",
                "\"crawl\":{\"include\":[\"(unclosed\"]},\"extract\""), "Content-Type", json));
        c.add(job("POST /jobs, bad CSS selector", 400, "POST", jobs, VALID.replace("\"h1\"", "\"a[\""),
                "Content-Type", json));
        c.add(job("POST /jobs, perHostConcurrency 0", 400, "POST", jobs, VALID.replace("\"extract\"",
                "\"limits\":{\"perHostConcurrency\":0},\"extract\""), "Content-Type", json));
        c.add(job("POST /jobs, maxAttempts 1000", 400, "POST", jobs, VALID.replace("\"extract\"",
                "\"limits\":{\"maxAttempts\":1000},\"extract\""), "Content-Type", json));
        c.add(job("POST /jobs, priority of the wrong type", 400, "POST", jobs, VALID.replace("\"extract\"",
                "\"priority\":\"high\",\"extract\""), "Content-Type", json));
        c.add(job("POST /jobs, seedTemplate placeholder without values", 400, "POST", jobs,
                "{\"name\":\"a\",\"seedTemplate\":{\"url\":\"http://x.example/{q}\",\"params\":{\"z\":[\"1\"]}}}",
                "Content-Type", json));
        c.add(job("POST /jobs, Content-Type text/plain", 415, "POST", jobs, VALID, "Content-Type", "text/plain"));
        c.add(job("POST /jobs, body over 4 MB", 413, "POST", jobs, "{\"name\":\"" + "x".repeat(4_300_000) + "\"}",
                "Content-Type", json));
        c.add(job("POST /jobs, Idempotency-Key of 300 characters", 400, "POST", jobs, VALID, "Content-Type", json,
                "Idempotency-Key", "k".repeat(300)));
        c.add(job("POST /jobs, Idempotency-Key reused with another body", 422, "POST", jobs, VALID, "Content-Type",
                json, "Idempotency-Key", "baseline-1"));
        c.add(job("PUT /jobs", 405, "PUT", jobs, VALID, "Content-Type", json));
        c.add(job("DELETE /jobs/{id}", 405, "DELETE", jobs + "/" + ownJob, null));
        // ---- job-service: ids, parameters, transitions, tenancy
        c.add(job("GET /jobs/{malformed id}", 404, "GET", jobs + "/not-a-uuid", null));
        c.add(job("GET /jobs/{unknown id}", 404, "GET", jobs + "/" + UNKNOWN, null));
        c.add(job("GET /jobs/{another tenant's job}", 404, "GET", jobs + "/" + otherJob, null));
        c.add(job("POST /jobs/{another tenant's job}/kill", 404, "POST", jobs + "/" + otherJob + "/kill", null));
        c.add(job("GET /jobs/{another tenant's job}/results", 404, "GET", jobs + "/" + otherJob + "/results", null));
        c.add(job("POST /jobs/{unknown id}/pause", 404, "POST", jobs + "/" + UNKNOWN + "/pause", null));
        c.add(job("POST /jobs/{completed}/resume", 409, "POST", jobs + "/" + ownJob + "/resume", null));
        c.add(job("POST /jobs/{completed}/pause", 409, "POST", jobs + "/" + ownJob + "/pause", null));
        c.add(job("POST /jobs/{completed, nothing failed}/retry", 409, "POST", jobs + "/" + ownJob + "/retry", null));
        c.add(job("GET /jobs?limit=0", 400, "GET", jobs + "?limit=0", null));
        c.add(job("GET /jobs?limit=abc", 400, "GET", jobs + "?limit=abc", null));
        c.add(job("GET /jobs?status=bogus", 400, "GET", jobs + "?status=bogus", null));
        c.add(job("GET /jobs?cursor=garbage", 400, "GET", jobs + "?cursor=garbage", null));
        c.add(job("GET /jobs/{id}/tasks?state=bogus", 400, "GET", jobs + "/" + ownJob + "/tasks?state=bogus", null));
        c.add(job("GET /jobs/{id}/results?limit=100000", 400, "GET", jobs + "/" + ownJob + "/results?limit=100000", null));
        c.add(job("GET /jobs/{id} with Accept: application/xml", 406, "GET", jobs + "/" + ownJob, null, "Accept",
                "application/xml"));
        // A target that is not a valid URI never reaches the application: Quarkus' HTTP layer rejects it with a
        // bare 400 by design (docs/architecture.md, "REST details"). Checked as a 4xx, not as problem+json.
        c.add(new Case("job-service", "GET /jobs?status=%zz (not a valid URI)", 400, "GET", jobs + "?status=%zz",
                null, new String[0], false));
        c.add(job("POST /schedules, cron not Quartz", 400, "POST", env.api.jobBase() + "/api/v1/schedules",
                "{\"name\":\"s\",\"cron\":\"not cron\",\"template\":" + VALID + "}", "Content-Type", json));
        c.add(job("POST /schedules, unknown time zone", 400, "POST", env.api.jobBase() + "/api/v1/schedules",
                "{\"name\":\"s\",\"cron\":\"0 0 3 * * ?\",\"timezone\":\"Mars/Olympus\",\"template\":" + VALID + "}",
                "Content-Type", json));
        c.add(job("GET /api/v1/nope", 404, "GET", env.api.jobBase() + "/api/v1/nope", null));
        // ---- event-service
        c.add(event("GET events without a key", 401, "GET", ev + "/" + ownJob + "/events", null, "Authorization", null));
        c.add(event("GET events, after=-1", 400, "GET", ev + "/" + ownJob + "/events?after=-1", null));
        c.add(event("GET events, after=abc", 400, "GET", ev + "/" + ownJob + "/events?after=abc", null));
        c.add(event("GET events, after beyond the last event", 400, "GET", ev + "/" + ownJob + "/events?after=999999",
                null));
        c.add(event("GET events, limit=0", 400, "GET", ev + "/" + ownJob + "/events?limit=0", null));
        c.add(event("GET events, limit=5000", 400, "GET", ev + "/" + ownJob + "/events?limit=5000", null));
        c.add(event("GET events of a malformed id", 404, "GET", ev + "/not-a-uuid/events", null));
        c.add(event("GET events of another tenant's job", 404, "GET", ev + "/" + otherJob + "/events", null));
        c.add(event("POST events", 405, "POST", ev + "/" + ownJob + "/events", "{}", "Content-Type", json));
        c.add(event("SSE with Last-Event-ID: abc", 400, "GET", ev + "/" + ownJob + "/events/stream", null,
                "Last-Event-ID", "abc"));
        c.add(event("SSE of an unknown job", 404, "GET", ev + "/" + UNKNOWN + "/events/stream", null));
        c.add(event("SSE without a key", 401, "GET", ev + "/" + ownJob + "/events/stream", null, "Authorization", null));
        c.add(new Case("event-service", "GET events, after=%zz (not a valid URI)", 400, "GET",
                ev + "/" + ownJob + "/events?after=%zz", null, new String[0], false));
        // ---- scrape-service: health and metrics only, no API (Quarkus' default 404 page, not problem+json)
        c.add(new Case("scrape-service", "GET /api/v1/jobs (no API here)", 404, "GET", scrape + "/api/v1/jobs", null,
                new String[0], false));
        c.add(new Case("scrape-service", "GET /q/nope", 404, "GET", scrape + "/q/nope", null, new String[0], false));
        c.add(new Case("scrape-service", "POST /api/v1/jobs (no API here)", 404, "POST", scrape + "/api/v1/jobs", VALID,
                new String[] {"Content-Type", json}, false));
        return c.stream();
    }

    static Case job(String description, int expected, String method, String url, String body, String... headers) {
        return new Case("job-service", description, expected, method, url, body, headers, true);
    }

    static Case event(String description, int expected, String method, String url, String body, String... headers) {
        return new Case("event-service", description, expected, method, url, body, headers, true);
    }

    @TestFactory
    @Order(1)
    @DisplayName("each malformed request gets its 4xx")
    Stream<DynamicTest> eachRequest() {
        List<Case> all = cases().toList();
        assertThat(all).as("malformed requests").hasSizeGreaterThanOrEqualTo(30);
        return all.stream().map(c -> DynamicTest.dynamicTest(c.service() + ": " + c.description() + " → "
                + c.expected(), () -> check(c)));
    }

    static void check(Case c) {
        TrawlApi.Response r = c.url().contains("%zz")
                ? RawHttp.send(c.method(), c.url(), c.body(), E2eEnvironment.KEY)
                : env.api.send(c.method(), c.url(), c.body(), c.headers());
        String seen = c.method() + " " + abbreviateUrl(c.url()) + ": expected " + c.expected() + ", got " + r;
        assertThat(r.status()).as("never a 500 — " + seen).isLessThan(500);
        assertThat(r.status()).as(seen).isEqualTo(c.expected());
        if (c.problemJson()) {
            assertThat(r.contentType()).as("problem+json Content-Type — " + seen).isNotNull()
                    .startsWith("application/problem+json");
            JsonNode problem = r.json();
            assertThat(problem.path("status").asInt()).as("problem status — " + seen).isEqualTo(c.expected());
            assertThat(problem.path("type").asText()).as("problem type — " + seen).startsWith("urn:trawl:problem:");
            assertThat(problem.path("title").asText()).as("problem title — " + seen).isNotBlank();
        }
    }

    static String abbreviateUrl(String url) {
        return url.length() > 140 ? url.substring(0, 140) + "…" : url;
    }

    @Test
    @Order(2)
    @DisplayName("WebSocket: no key → 401 and a foreign Origin → 403 on the upgrade; unknown job → error + 4404; "
            + "bad after → 4400")
    void webSocketRefusals() throws Exception {
        String ws = env.api.eventBase().replaceFirst("^http", "ws");
        HttpClient http = HttpClient.newHttpClient();
        assertThat(upgradeStatus(http.newWebSocketBuilder(), ws + "/ws/jobs/" + ownJob))
                .as("upgrade without a key").isEqualTo(401);
        assertThat(upgradeStatus(http.newWebSocketBuilder().header("Authorization", "Bearer nope"),
                ws + "/ws/jobs/" + ownJob)).as("upgrade with an unknown key").isEqualTo(401);
        assertThat(upgradeStatus(http.newWebSocketBuilder().header("Authorization", "Bearer " + E2eEnvironment.KEY)
                .header("Origin", "https://evil.example"), ws + "/ws/jobs/" + ownJob))
                .as("upgrade from a foreign Origin").isEqualTo(403);
        assertRefusal(http, ws + "/ws/jobs/" + UNKNOWN + "?after=0", 4404, 404);
        assertRefusal(http, ws + "/ws/jobs/" + otherJob + "?after=0", 4404, 404);
        assertRefusal(http, ws + "/ws/jobs/" + ownJob + "?after=-5", 4400, 400);
        assertRefusal(http, ws + "/ws/jobs/" + ownJob + "?after=999999", 4400, 400);
    }

    static int upgradeStatus(WebSocket.Builder builder, String url) {
        try {
            WebSocket socket = builder.connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(url), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (Exception e) {
            Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw new AssertionError("upgrade to " + url + " failed without an HTTP status: " + e, e);
        }
    }

    /** Connects, expects an {@code error} message carrying a problem with {@code status}, then close {@code code}. */
    static void assertRefusal(HttpClient http, String url, int code, int status) throws Exception {
        CompletableFuture<String> message = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        http.newWebSocketBuilder().header("Authorization", "Bearer " + E2eEnvironment.KEY)
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            message.complete(text.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        String text = message.get(10, TimeUnit.SECONDS);
        JsonNode msg = TrawlApi.JSON.readTree(text);
        assertThat(msg.path("type").asText()).as("first message on " + url + ": " + text).isEqualTo("error");
        assertThat(msg.path("problem").path("status").asInt()).as("problem status on " + url + ": " + text)
                .isEqualTo(status);
        assertThat(closed.get(10, TimeUnit.SECONDS)).as("close code on " + url).isEqualTo(code);
    }

    @Test
    @Order(3)
    @DisplayName("nothing was written: every table, every job and both tenants' listings are unchanged")
    void nothingWritten() {
        assertThat(snapshot()).as("state after the malformed requests (before: " + before + ")").isEqualTo(before);
    }

    @AfterAll
    static void done() {
        E2eEnvironment.log("malformed requests: %d cases", cases().count());
    }
}
