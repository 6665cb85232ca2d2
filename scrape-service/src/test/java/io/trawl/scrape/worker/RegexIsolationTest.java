package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One tenant's regular expression cannot stall the worker: a job whose crawl.include is {@code (.*a){12}$}
 * (minutes of backtracking per link on java.util.regex) runs beside a normal job on the same worker, and the
 * normal job completes on time because every user pattern runs on RE2/J (linear time).
 */
@QuarkusTest
@QuarkusTestResource(SchemaResource.class)
class RegexIsolationTest {

    @Test
    void aRegexBombJobDoesNotDelayANormalJobOnTheSameWorker() {
        TestSite site = TestSite.get();
        // more hostile pages than the worker has threads (trawl.worker.concurrency=8 in %test)
        List<String> seeds = new ArrayList<>();
        for (int n = 0; n < 16; n++) {
            seeds.add("\"" + site.url("/hostile/bomb/" + n) + "\"");
        }
        UUID hostile = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson("""
                {"name": "bomb", "seeds": [%s],
                 "crawl": {"follow": ["a.child"], "include": ["(.*a){12}$"], "maxDepth": 1, "maxPages": 100},
                 "limits": {"timeoutMs": 5000, "maxAttempts": 1}}""".formatted(String.join(", ", seeds))));
        TestDispatcher.get().manage(hostile);
        UUID normal = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson("""
                {"name": "normal", "seeds": ["%s"], "crawl": {"follow": ["a.child"], "maxDepth": 3, "maxPages": 100},
                 "extract": {"item": ".product", "fields": {"name": ".name"}},
                 "limits": {"timeoutMs": 5000, "maxAttempts": 2}}""".formatted(site.url("/site/15/beside-bomb/0"))));
        TestDispatcher.get().manage(normal);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> sitePages(normal).size() == 15 && TestJobs.settled(normal));
        assertThat(sitePages(normal)).extracting(TestJobs.TaskRow::state).containsOnly("succeeded");

        // the premise: the hostile pages were parsed and their links went through the pattern
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> TestJobs.settled(hostile));
        List<TestJobs.TaskRow> tasks = TestJobs.tasks(hostile);
        assertThat(tasks.stream().filter(t -> t.url().contains("/hostile/")).map(TestJobs.TaskRow::state)
                .collect(Collectors.toSet())).containsOnly("succeeded");
        // "…aaab0" does not end in 'a': the pattern rejects every link, so nothing else was queued
        assertThat(tasks).hasSize(16);
    }

    private static List<TestJobs.TaskRow> sitePages(UUID job) {
        return TestJobs.tasks(job).stream().filter(t -> t.url().contains("/site/15/")).toList();
    }
}
