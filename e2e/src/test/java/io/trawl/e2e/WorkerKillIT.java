package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.system.ServiceProcess;
import io.trawl.e2e.system.TrawlSystem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 4: {@code kill -9} of one of the two scrape-service processes while it has tasks running. Its
 * unacknowledged messages go back to the queue at once; the tasks it had claimed come back when their lease
 * (8 s in this suite) expires ({@code task.retrying "lease expired"}); the job completes with the exact item
 * set and every orphaned task succeeded exactly once. Runs last: the fleet is one worker short afterwards.
 */
@ExtendWith(E2e.class)
@Order(8)
@DisplayName("4: kill -9 of one of two scrape-services mid-crawl — the job completes with the exact item set")
class WorkerKillIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void killOneWorker() {
        List<ServiceProcess> scrapers = env.system.scrapers();
        assertThat(scrapers).as("scrape-service processes").hasSize(2);
        ServiceProcess victim = scrapers.get(1);
        String suffix = TrawlSystem.workerSuffix(victim);

        // Slow pages: a task listed as running on the victim is still mid-fetch a few milliseconds later, at the
        // kill (with instant pages every listed task could finish in between, leaving nothing to orphan).
        DirectorySite site = new DirectorySite("worker", 3, 10, 20).slow(Duration.ofMillis(300)); // 631 pages
        crawl = Crawl.start(env, site, "e2e worker kill -9");
        crawl.awaitDone(60, Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> running;
        do {
            running = env.api.tasks(crawl.id, "running").stream()
                    .filter(t -> t.path("leaseOwner").asText().endsWith(suffix)).toList();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + victim + " (worker *" + suffix + ") to have running tasks within "
                        + "30 s; job " + TrawlApi.summary(crawl.job()));
            }
        } while (running.size() < 2);
        victim.kill9();
        E2eEnvironment.log("kill -9 %s with %d task(s) running on it at %s", victim, running.size(),
                crawl.job().path("progress"));

        crawl.awaitCompleted(Duration.ofMinutes(3));
        List<JsonNode> events = crawl.assertExactlyComplete();

        String victimId = running.get(0).path("leaseOwner").asText();
        Set<Long> orphaned = Checks.ofType(events, "task.retrying").stream()
                .filter(e -> e.path("data").path("error").asText().contains("lease expired: worker " + victimId))
                .map(e -> e.path("data").path("taskId").asLong()).collect(Collectors.toSet());
        E2eEnvironment.log("%d task(s) of the killed worker came back by lease expiry", orphaned.size());
        assertThat(orphaned).as("tasks of the killed worker " + victimId + " re-queued after their lease expired "
                + "(task.retrying 'lease expired'); running on it at the kill: "
                + running.stream().map(t -> t.path("id").asLong()).toList()).isNotEmpty();
        Map<Long, Long> succeeded = Checks.ofType(events, "task.succeeded").stream()
                .collect(Collectors.groupingBy(e -> e.path("data").path("taskId").asLong(), Collectors.counting()));
        for (long id : orphaned) {
            assertThat(succeeded.get(id)).as("task.succeeded events of orphaned task " + id).isEqualTo(1L);
        }

        JsonNode workers = env.api.get(env.api.jobBase() + "/api/v1/workers").json();
        JsonNode dead = null;
        for (JsonNode w : workers.path("items").isArray() ? workers.path("items") : workers) {
            if (w.path("id").asText().equals(victimId)) {
                dead = w;
            }
        }
        assertThat(dead).as("the killed worker in GET /workers: " + workers).isNotNull();
        assertThat(dead.path("status").asText()).as("status of the killed worker in GET /workers").isEqualTo("stale");
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
