package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker whose browser cannot start (here: an "executable" that exits at once) does not spend the pages'
 * attempts: each task it claims is handed back (pending after a backoff delay, attempt refunded,
 * {@code task.cancelled {reason: "browser-unavailable", requeued: true}}), and no task fails or is retried as if
 * the page had failed. Before, every such claim was a failed attempt, and a worker that came up slowly after a
 * {@code kill -9} burnt its pages' attempts (docs/browser.md, "Worker-side failures").
 */
@QuarkusTest
@QuarkusTestResource(SchemaResource.class)
@TestProfile(BrowserUnavailableTest.BrokenBrowser.class)
class BrowserUnavailableTest {

    /** A worker with browser capacity whose Chromium exits at once. */
    public static class BrokenBrowser implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.browser.enabled", "true", "trawl.browser.contexts", "1",
                    "trawl.browser.executable-path", "/bin/false");
        }
    }

    private static Vertx vertx;
    private static FixtureServer site;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        site = FixtureServer.start(vertx, "127.0.0.1");
        site.html("/robots.txt", "").html("/page", "<html><body><p>never rendered</p></body></html>");
    }

    @AfterAll
    static void stop() {
        site.close();
        vertx.close();
    }

    @Test
    void aBrowserThatCannotStartHandsItsTasksBackWithoutSpendingAttempts() {
        UUID job = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson("""
                {"name": "broken browser", "seeds": ["%s"], "render": "browser",
                 "crawl": {"maxDepth": 0, "maxPages": 5},
                 "limits": {"timeoutMs": 5000, "maxAttempts": 2, "perHostDelayMs": 0}}""".formatted(site.url("/page"))));
        Thread dispatcher = BrowserCrawlTest.dispatchToBrowserQueue(job);
        try {
            // more hand-backs than the task has attempts: each one was the worker's, none the page's
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> handedBack(job) >= 3 || TestJobs.tasks(job).get(0).state().equals("failed"));
        } finally {
            dispatcher.interrupt();
        }
        List<TestJobs.EventRow> events = TestJobs.events(job);
        assertThat(events).extracting(TestJobs.EventRow::type).as("no attempt was spent")
                .doesNotContain("task.retrying", "task.failed");
        // the dispatcher stopped: a copy still in the queue is claimed and handed back once more, then it rests
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.tasks(job).get(0).state().equals("pending"));
        TestJobs.TaskRow task = TestJobs.tasks(job).get(0);
        assertThat(task.attempt()).as("attempts spent").isZero();
        assertThat(task.lastError()).contains("cannot start the browser");
        assertThat(site.count("/page")).as("the page was never fetched").isZero();
        assertThat(TestJobs.job(job).tasksFailed()).isZero();
    }

    private static long handedBack(UUID job) {
        return TestJobs.events(job).stream().filter(e -> e.type().equals("task.cancelled")
                && e.data().contains("\"browser-unavailable\"") && e.data().replace(" ", "").contains("\"requeued\":true"))
                .count();
    }
}
