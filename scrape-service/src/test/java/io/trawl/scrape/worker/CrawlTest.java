package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** A whole crawl through the real broker and database: every page once, exactly the expected items. */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class CrawlTest {

    static final int PAGES = 300;

    @Test
    void crawlsAFixtureSiteCompletelyWithExactlyTheExpectedItems() {
        TestSite site = TestSite.get();
        String base = "/site/" + PAGES + "/crawl/";
        UUID job = TestJobs.create(Specs.aCrawl().named("crawl").withSeeds(site.url(base + "0"))
                .following("a.child", "a.nav").maxDepth(10).maxPages(1000)
                .extracting(".product", "name", ".name", "price", ".price").withAttributeField("link", "a.more", "href")
                .timeoutMs(5000).maxAttempts(2));
        TestDispatcher.get().manage(job);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> TestJobs.tasks(job).size() == PAGES + 1 && TestJobs.settled(job));

        List<TestJobs.TaskRow> tasks = TestJobs.tasks(job);
        Map<String, List<TestJobs.TaskRow>> byState = tasks.stream().collect(Collectors.groupingBy(TestJobs.TaskRow::state));
        assertThat(byState.get("succeeded")).hasSize(PAGES);
        // the one link robots.txt disallows fails permanently, without a request; the other host is never a task
        assertThat(byState.get("failed")).singleElement().satisfies(t -> {
            assertThat(t.url()).endsWith("/private/crawl");
            assertThat(t.lastError()).startsWith("blocked-by-robots");
            assertThat(t.attempt()).isEqualTo(1);
        });
        assertThat(site.count("/private/crawl")).isZero();
        assertThat(tasks).noneMatch(t -> t.url().contains("other.example"));

        // every page fetched exactly once, despite parents, roots, fragments and self links (cycles)
        for (int n = 0; n < PAGES; n++) {
            assertThat(site.count(base + n)).as("fetches of page %d", n).isEqualTo(1);
        }

        // exactly the expected items, once each, in page order
        List<TestJobs.ItemRow> items = TestJobs.items(job);
        assertThat(items).hasSize(2 * PAGES);
        Set<String> expected = IntStream.range(0, PAGES).boxed()
                .flatMap(n -> java.util.stream.Stream.of(item(site, base, n, "a"), item(site, base, n, "b")))
                .collect(Collectors.toSet());
        assertThat(new HashSet<>(items.stream().map(TestJobs.ItemRow::data).toList())).isEqualTo(expected);
        assertThat(items.stream().collect(Collectors.groupingBy(TestJobs.ItemRow::taskId, Collectors.counting())))
                .allSatisfy((task, count) -> assertThat(count).isEqualTo(2L));

        // counters and a gapless event log: one started and one succeeded per page, one failed
        TestJobs.JobRow row = TestJobs.job(job);
        assertThat(row.tasksTotal()).isEqualTo(PAGES + 1);
        assertThat(row.tasksDone()).isEqualTo(PAGES);
        assertThat(row.tasksFailed()).isEqualTo(1);
        assertThat(row.items()).isEqualTo(2L * PAGES);
        List<TestJobs.EventRow> events = TestJobs.events(job);
        assertThat(events).extracting(TestJobs.EventRow::seq)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, events.size()).mapToObj(i -> (long) i).toList());
        assertThat(row.eventSeq()).isEqualTo(events.size());
        Map<String, Long> types = events.stream().collect(Collectors.groupingBy(TestJobs.EventRow::type, Collectors.counting()));
        assertThat(types).containsEntry("task.started", (long) PAGES + 1).containsEntry("task.succeeded", (long) PAGES)
                .containsEntry("task.failed", 1L);
        assertThat(events.stream().filter(e -> e.type().equals("task.succeeded")).map(TestJobs.EventRow::data)
                .filter(d -> d.contains("\"items\": 2")).count()).isEqualTo(PAGES);

        // robots Crawl-delay became fleet-wide politeness for the host
        assertThat(hostCrawlDelay(site.hostKey())).isEqualTo(1000);
    }

    private static String item(TestSite site, String base, int n, String suffix) {
        return "{\"link\": \"" + site.url(base + n) + "\", \"name\": \"P" + n + "-" + suffix + "\", \"price\": \"" + n
                + ".50\"}";
    }

    static int hostCrawlDelay(String host) {
        try (var db = TestInfra.db(); var st = db.prepareStatement("SELECT crawl_delay_ms FROM trawl.hosts WHERE host = ?")) {
            st.setString(1, host);
            try (var rs = st.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> Function<T, T> identity() {
        return Function.identity();
    }
}
