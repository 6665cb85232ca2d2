package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.JsDirectorySite;
import io.trawl.e2e.system.ServiceProcess;
import io.trawl.e2e.system.TrawlSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 9: browser rendering. A browser worker (scrape-service with TRAWL_BROWSER_ENABLED=true, the system
 * Chromium) joins the fleet; the fixture's JavaScript variant ({@link JsDirectorySite}: every link and item built
 * by a script, listing pages "load more" by XHR; 25 pages, 20 items per crawl) is crawled
 * <ol>
 * <li>with {@code render: "browser"}: exactly the expected items; with {@code render: "static"}: none (the HTTP
 * fetcher sees only the shell and runs no script: the "load more" API is never called);</li>
 * <li>paused mid-crawl and resumed: exactly the items, every task succeeded once;</li>
 * <li>killed mid-crawl: nothing moves afterwards, every item exported is right and there once;</li>
 * <li>with the browser worker {@code kill -9}ed while it renders (a replacement starts, as a Deployment would):
 * exactly the items, every task succeeded once.</li>
 * </ol>
 */
@ExtendWith(E2e.class)
@Order(9)
@DisplayName("9: browser rendering — a JS-built site yields exactly its items; pause, kill and kill -9 lose and duplicate nothing")
class BrowserRenderingIT {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "killed");

    static E2eEnvironment env;
    static ServiceProcess browser;

    @BeforeAll
    static void startBrowserWorker() {
        assertThat(Files.isExecutable(Path.of("/usr/bin/chromium"))).as("/usr/bin/chromium (apt-get install chromium)")
                .isTrue();
        browser = env.system.addBrowser();
        E2eEnvironment.log("browser worker ready: %s", browser);
    }

    @AfterAll
    static void stopBrowserWorkers() {
        // The later scenarios (if any) run on the static fleet only.
        env.system.browsers().forEach(p -> p.stop(Duration.ofSeconds(20)));
    }

    static JsDirectorySite site(String key) {
        return new JsDirectorySite(key, 2, 2, 5); // 1 + 4 listings + 20 details
    }

    static String submit(JsDirectorySite site, String render) {
        JsonNode job = env.api.createJob(site.spec(env.sites, "e2e " + render + " " + site.key(), 16, render));
        String id = job.get("id").asText();
        E2eEnvironment.log("job %s: /%s/ rendered %s (%d pages)", id, site.key(), render, site.pageCount());
        return id;
    }

    @Test
    @Order(1)
    void browserExtractsExactlyTheItemsStaticFindsNone() {
        JsDirectorySite site = site("js").mount(env.sites);
        String rendered = submit(site, "browser");
        String plain = submit(site, "static");

        JsonNode staticJob = env.api.awaitStatus(plain, Duration.ofMinutes(2), TERMINAL);
        assertThat(staticJob.path("status").asText()).as(TrawlApi.summary(staticJob)).isEqualTo("completed");
        assertThat(staticJob.path("progress").path("tasksTotal").asLong()).as("static: the seed only").isEqualTo(1);
        assertThat(staticJob.path("progress").path("items").asLong()).as("static: items").isZero();
        assertThat(Checks.ndjsonItems(env.api, plain)).isEmpty();

        JsonNode job = env.api.awaitStatus(rendered, Duration.ofMinutes(3), TERMINAL);
        assertThat(job.path("status").asText()).as(TrawlApi.summary(job)).isEqualTo("completed");
        assertExactlyOnce(rendered, site);
        // Every listing page's "load more" ran (in the browser; the static crawl fetched no listing page).
        assertThat(env.sites.hitsUnder(site.prefix() + "api/listing/")).as("load-more XHRs").hasSize(4);
        E2eEnvironment.log("browser job %s: %s", rendered, job.path("rates"));
    }

    @Test
    @Order(2)
    void pauseAndResumeLoseAndDuplicateNothing() {
        JsDirectorySite site = site("js-pause").mount(env.sites);
        String id = submit(site, "browser");
        awaitDone(id, 4);
        assertThat(env.api.control(id, "pause").status()).isEqualTo(200);
        JsonNode quiet = env.api.awaitJob(id, Duration.ofSeconds(60), "no running or queued task while paused",
                j -> j.path("tasks").path("running").asLong() == 0 && j.path("tasks").path("queued").asLong() == 0);
        E2eEnvironment.log("paused at %s", quiet.path("progress"));
        assertThat(quiet.path("status").asText()).isEqualTo("paused");
        assertThat(env.api.control(id, "resume").status()).isEqualTo(200);
        JsonNode job = env.api.awaitStatus(id, Duration.ofMinutes(3), TERMINAL);
        assertThat(job.path("status").asText()).as(TrawlApi.summary(job)).isEqualTo("completed");
        assertExactlyOnce(id, site);
    }

    @Test
    @Order(3)
    void killStopsEverythingAndKeepsEveryItemOnce() {
        JsDirectorySite site = site("js-kill").mount(env.sites);
        String id = submit(site, "browser");
        EventFeed feed = EventFeed.open(env.api.eventBase(), id, E2eEnvironment.KEY, 0, 0);
        try {
            awaitDone(id, 4);
            assertThat(env.api.control(id, "kill").status()).isEqualTo(200);
            JsonNode after = env.api.awaitJob(id, Duration.ofSeconds(30), "no open task after the kill",
                    j -> j.path("tasks").path("pending").asLong() + j.path("tasks").path("queued").asLong()
                            + j.path("tasks").path("running").asLong() == 0);
            assertThat(after.path("status").asText()).isEqualTo("killed");
            List<JsonNode> events = Checks.assertStoredEvents(env.api, id);
            assertThat(events.get(events.size() - 1).path("type").asText()).as("last event").isEqualTo("job.killed");
            Map<String, Map<String, String>> expected = site.expectedItems(env.sites);
            Map<String, Map<String, String>> items = Checks.csvItems(env.api, id, DirectorySite.fields());
            assertThat(items).as("items of the killed job").hasSize((int) after.path("progress").path("items").asLong());
            items.forEach((url, data) -> assertThat(data).as("item of " + url).isEqualTo(expected.get(url)));
            assertThat(succeededTwice(events)).as("tasks that succeeded more than once").isEmpty();
            Checks.assertFeed("job " + id + " WebSocket client", feed, env.api, id);
        } finally {
            feed.close();
        }
    }

    @Test
    @Order(4)
    void killMinus9OfTheBrowserWorkerLosesAndDuplicatesNothing() {
        JsDirectorySite site = site("js-kill9").mount(env.sites);
        String id = submit(site, "browser");
        String suffix = TrawlSystem.workerSuffix(browser);
        awaitDone(id, 5); // mid-crawl: items exist, listing and detail pages are rendering
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<JsonNode> running;
        do {
            running = env.api.tasks(id, "running").stream()
                    .filter(t -> t.path("leaseOwner").asText().endsWith(suffix)).toList();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected the browser worker *" + suffix + " to render tasks of job " + id
                        + " within 90 s; " + TrawlApi.summary(env.api.job(id)));
            }
        } while (running.isEmpty());
        browser.kill9();
        E2eEnvironment.log("kill -9 %s with %d task(s) rendering on it at %s", browser, running.size(),
                env.api.job(id).path("progress"));
        // A replacement, as the Deployment would start one; the killed worker's tasks come back by lease expiry.
        browser = env.system.addBrowser();

        JsonNode job = env.api.awaitStatus(id, Duration.ofMinutes(3), TERMINAL);
        String why = TrawlApi.summary(job) + "\n" + taskHistory(id);
        E2eEnvironment.log("kill -9 job %s finished: %s", id, why);
        assertThat(job.path("status").asText()).as(why).isEqualTo("completed");
        List<JsonNode> events = assertExactlyOnce(id, site, why);
        String victimId = running.get(0).path("leaseOwner").asText();
        long leaseExpired = Checks.ofType(events, "task.retrying").stream()
                .filter(e -> e.path("data").path("error").asText().contains("lease expired: worker " + victimId)).count();
        E2eEnvironment.log("%d task(s) of the killed browser worker came back by lease expiry", leaseExpired);
        Set<Long> orphaned = running.stream().map(t -> t.path("id").asLong()).collect(Collectors.toSet());
        Map<Long, Long> succeeded = succeededPerTask(events);
        for (long task : orphaned) {
            assertThat(succeeded.get(task)).as("task.succeeded of task " + task + " (rendering at the kill)").isEqualTo(1L);
        }
    }

    /** Completed with exactly the site's items (both exports) and every task succeeded exactly once. */
    static List<JsonNode> assertExactlyOnce(String id, JsDirectorySite site) {
        return assertExactlyOnce(id, site, TrawlApi.summary(env.api.job(id)) + "\n" + taskHistory(id));
    }

    /** {@link #assertExactlyOnce(String, JsDirectorySite)}, {@code why} (the job and its task history) on failure. */
    static List<JsonNode> assertExactlyOnce(String id, JsDirectorySite site, String why) {
        JsonNode job = env.api.job(id);
        assertThat(job.path("progress").path("tasksTotal").asLong()).as(why).isEqualTo(site.pageCount());
        assertThat(job.path("progress").path("tasksFailed").asLong()).as(why).isZero();
        assertThat(job.path("progress").path("items").asLong()).as(why).isEqualTo(site.businessCount());
        Map<String, Map<String, String>> expected = site.expectedItems(env.sites);
        Checks.assertItems("job " + id + " NDJSON export", expected, Checks.ndjsonItems(env.api, id));
        Checks.assertItems("job " + id + " CSV export", expected, Checks.csvItems(env.api, id, DirectorySite.fields()));
        List<JsonNode> events = Checks.assertStoredEvents(env.api, id);
        Map<Long, Long> succeeded = succeededPerTask(events);
        assertThat(succeeded).as("tasks with a task.succeeded event; " + why).hasSize(site.pageCount());
        assertThat(succeededTwice(events)).as("tasks that succeeded more than once; " + why).isEmpty();
        assertThat(env.api.tasks(id, null)).extracting(t -> t.path("state").asText()).as(why).containsOnly("succeeded");
        return events;
    }

    /**
     * Why tasks did not simply succeed once: every task that is not {@code succeeded} (state, attempts, last error)
     * and every task's retries and failures from the stored events (attempt, worker of that attempt, error), so a
     * failure of this scenario explains itself.
     */
    static String taskHistory(String id) {
        StringBuilder out = new StringBuilder();
        try {
            for (JsonNode t : env.api.tasks(id, null)) {
                if (!t.path("state").asText().equals("succeeded")) {
                    out.append(String.format("  task %d %s: %s, attempt %d/%d, last error: %s%n", t.path("id").asLong(),
                            t.path("url").asText(), t.path("state").asText(), t.path("attempt").asInt(),
                            t.path("maxAttempts").asInt(), t.path("lastError").asText()));
                }
            }
            Map<Long, String> workerOf = new TreeMap<>();
            Map<Long, StringBuilder> history = new TreeMap<>();
            for (JsonNode e : env.api.events(id)) {
                JsonNode d = e.path("data");
                long task = d.path("taskId").asLong();
                switch (e.path("type").asText()) {
                    case "task.started" -> workerOf.put(task, d.path("worker").asText());
                    case "task.retrying", "task.failed", "task.cancelled" -> history.computeIfAbsent(task,
                            k -> new StringBuilder()).append(String.format("    %s %s attempt %d on %s: %s%n",
                            e.path("time").asText(), e.path("type").asText(),
                            d.path("attempt").asInt(), workerOf.get(task),
                            d.has("error") ? d.path("error").asText() : d.path("reason").asText()));
                    default -> {
                    }
                }
            }
            history.forEach((task, h) -> out.append("  task ").append(task).append(":\n").append(h));
        } catch (RuntimeException e) {
            out.append("  (task history unavailable: ").append(e).append(")\n");
        }
        return out.length() == 0 ? "  every task succeeded at its first attempt" : "tasks:\n" + out;
    }

    static Map<Long, Long> succeededPerTask(List<JsonNode> events) {
        return Checks.ofType(events, "task.succeeded").stream()
                .collect(Collectors.groupingBy(e -> e.path("data").path("taskId").asLong(), TreeMap::new,
                        Collectors.counting()));
    }

    static Map<Long, Long> succeededTwice(List<JsonNode> events) {
        Map<Long, Long> twice = new TreeMap<>(succeededPerTask(events));
        twice.values().removeIf(n -> n == 1);
        return twice;
    }

    static void awaitDone(String id, long n) {
        env.api.awaitJob(id, Duration.ofSeconds(120), "tasksDone >= " + n + " (mid-crawl)",
                j -> j.path("progress").path("tasksDone").asLong() >= n || TERMINAL.contains(j.path("status").asText()));
        JsonNode job = env.api.job(id);
        assertThat(job.path("status").asText()).as("still running mid-crawl: " + TrawlApi.summary(job)).isEqualTo("running");
    }
}
