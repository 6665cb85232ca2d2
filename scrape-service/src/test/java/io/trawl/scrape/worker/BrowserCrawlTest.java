package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker started with browser capacity consumes trawl.tasks.browser and renders the pages in Chromium: a
 * listing built by script (with an XHR "load more") and detail pages built by script yield exactly the
 * expected items; the same job rendered statically finds none (the browser did the work).
 */
@QuarkusTest
@QuarkusTestResource(SchemaResource.class)
@TestProfile(BrowserCrawlTest.BrowserWorker.class)
class BrowserCrawlTest {

    /** The worker with browser capacity. */
    public static class BrowserWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.browser.enabled", "true", "trawl.browser.contexts", "2");
        }
    }

    private static final String QUEUE = "UPDATE trawl.tasks SET state = 'queued', queued_at = now(), "
            + "dispatch_token = nextval('trawl.dispatch_tokens') "
            + "WHERE job_id = ? AND state = 'pending' AND next_attempt_at <= now() "
            + "RETURNING id, job_id, url, depth, attempt, dispatch_token";

    private static Vertx vertx;
    private static FixtureServer site;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        site = FixtureServer.start(vertx, "127.0.0.1");
        site.html("/robots.txt", "")
                .html("/js/list", """
                        <html><body><ul id="list"></ul><script>
                          const add = ids => ids.forEach(i => {
                            const a = document.createElement('a'); a.className = 'detail'; a.href = '/js/item/' + i;
                            a.textContent = 'item ' + i; const li = document.createElement('li'); li.appendChild(a);
                            document.getElementById('list').appendChild(li); });
                          add([1, 2, 3]);
                          fetch('/js/more').then(r => r.json()).then(ids => { add(ids);
                            const d = document.createElement('div'); d.id = 'ready'; document.body.appendChild(d); });
                        </script></body></html>""")
                .on("/js/more", req -> req.response().putHeader("Content-Type", "application/json").end("[4, 5]"))
                .htmlPrefix("/js/item/", path -> """
                        <html><body><script>
                          const d = document.createElement('div'); d.id = 'ready'; d.className = 'product';
                          d.innerHTML = '<h1 class="name">Product %s</h1><span class="price">%s.99</span>';
                          document.body.appendChild(d);
                        </script></body></html>""".formatted(path.substring(9), path.substring(9)));
    }

    @AfterAll
    static void stop() {
        site.close();
        vertx.close();
    }

    private static String spec(String render) {
        return """
                {"name": "js", "seeds": ["%s"], %s
                 "crawl": {"follow": ["a.detail"], "maxDepth": 1, "maxPages": 20},
                 "extract": {"on": "/js/item/", "item": ".product", "fields": {"name": ".name", "price": ".price"}},
                 "limits": {"timeoutMs": 20000, "maxAttempts": 2, "perHostDelayMs": 0}}"""
                .formatted(site.url("/js/list"), render);
    }

    @Test
    void browserRenderingExtractsExactlyTheScriptBuiltItemsAndStaticFindsNone() {
        UUID browser = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson(spec("\"render\": \"browser\", \"browser\": {\"waitFor\": \"#ready\"},")));
        Thread dispatcher = dispatchToBrowserQueue(browser);
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> TestJobs.tasks(browser).size() == 6 && TestJobs.settled(browser));
        } finally {
            dispatcher.interrupt();
        }
        assertThat(TestJobs.tasks(browser)).extracting(TestJobs.TaskRow::state).containsOnly("succeeded");
        assertThat(TestJobs.items(browser).stream().map(TestJobs.ItemRow::data).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(item(1), item(2), item(3), item(4), item(5));
        assertThat(TestJobs.items(browser)).hasSize(5);

        UUID plain = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson(spec("")));
        TestDispatcher.get().manage(plain);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> TestJobs.settled(plain));
        assertThat(TestJobs.tasks(plain)).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("succeeded"));
        assertThat(TestJobs.items(plain)).isEmpty();
    }

    private static String item(int n) {
        return "{\"name\": \"Product " + n + "\", \"price\": \"" + n + ".99\"}";
    }

    /** What the dispatcher does for a browser job: queue its due tasks and publish them to trawl.tasks.browser. */
    static Thread dispatchToBrowserQueue(UUID job) {
        Thread loop = new Thread(() -> {
            try (Connection rabbit = TestInfra.rabbit("browser-test-dispatcher"); Channel ch = rabbit.createChannel()) {
                ch.confirmSelect();
                while (!Thread.currentThread().isInterrupted()) {
                    for (TaskMessage m : queueDue(job)) {
                        ch.basicPublish("", Topology.BROWSER_TASKS_QUEUE, true, TestInfra.persistentJson(),
                                WireJson.encode(m));
                    }
                    ch.waitForConfirmsOrDie(5_000);
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                System.err.println("browser test dispatcher: " + e);
            }
        }, "browser-test-dispatcher");
        loop.setDaemon(true);
        loop.start();
        return loop;
    }

    private static List<TaskMessage> queueDue(UUID job) throws java.sql.SQLException {
        List<TaskMessage> due = new java.util.ArrayList<>();
        try (var db = TestInfra.db(); PreparedStatement st = db.prepareStatement(QUEUE)) {
            st.setObject(1, job);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    due.add(new TaskMessage(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getInt(4),
                            rs.getInt(5), rs.getLong(6)));
                }
            }
        }
        return due;
    }
}
