package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 2: pause mid-crawl, then resume. While paused nothing starts and nothing is fetched; after resume
 * the job completes with the exact item set, and no page is fetched twice — except a page whose fetch the pause
 * cancelled in flight ({@code task.cancelled {reason: paused}}): its response was thrown away, so it is fetched
 * again after resume (DESIGN §4.3: resume dispatches the tasks not yet succeeded). No page succeeds twice.
 */
@ExtendWith(E2e.class)
@Order(3)
@DisplayName("2: pause stops new starts at once; resume completes without fetching a page twice")
class PauseResumeIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void pauseThenResume() {
        crawl = Crawl.start(env, new DirectorySite("pause", 4, 5, 20), "e2e pause and resume"); // 421 pages
        crawl.awaitDone(120, Duration.ofSeconds(60));

        TrawlApi.Response paused = env.api.control(crawl.id, "pause");
        assertThat(paused.status()).as("POST pause: " + paused).isEqualTo(200);
        assertThat(paused.json().path("status").asText()).as("status after pause").isEqualTo("paused");

        // In-flight tasks finish or are cancelled; then nothing may move until resume.
        JsonNode quiet = env.api.awaitJob(crawl.id, Duration.ofSeconds(30), "no running or queued task while paused",
                j -> j.path("tasks").path("running").asLong() == 0 && j.path("tasks").path("queued").asLong() == 0);
        E2eEnvironment.log("paused at %s", quiet.path("progress"));
        TrawlApi.Response again = env.api.control(crawl.id, "pause");
        assertThat(again.status()).as("a second pause is in effect already: " + again).isEqualTo(200);
        // the fetches the pause cancelled (or let finish) have wound down in the workers too
        Quiet.awaitWorkersIdle(env, Duration.ofSeconds(30));
        Map<String, Integer> hitsPaused = env.sites.hitsUnder(crawl.site.prefix());
        long seqPaused = env.api.job(crawl.id).path("lastEventSeq").asLong();
        // The quiet period is not a fixed time: it lasts until a probe job submitted now has been dispatched,
        // fetched, completed and streamed live — so the dispatcher, the workers (every message of the paused job
        // queued before the probe's included) and the event path all ran while the paused job had to stay still.
        Quiet.probe(env, "pause");
        Quiet.awaitWorkersIdle(env, Duration.ofSeconds(30));
        JsonNode stillPaused = env.api.job(crawl.id);
        assertThat(stillPaused.path("status").asText()).as("status after the quiet period").isEqualTo("paused");
        assertThat(stillPaused.path("lastEventSeq").asLong()).as("events while paused (a second pause emits none)")
                .isEqualTo(seqPaused);
        assertThat(env.sites.hitsUnder(crawl.site.prefix())).as("fixture requests during the pause").isEqualTo(hitsPaused);
        assertThat(stillPaused.path("progress")).as("progress during the pause").isEqualTo(quiet.path("progress"));

        TrawlApi.Response resumed = env.api.control(crawl.id, "resume");
        assertThat(resumed.status()).as("POST resume: " + resumed).isEqualTo(200);
        crawl.awaitCompleted(Duration.ofMinutes(2));

        List<JsonNode> events = crawl.assertExactlyComplete();
        long pausedAt = seqOf(events, "job.paused");
        long resumedAt = seqOf(events, "job.resumed");
        assertThat(Checks.ofType(events, "job.paused")).as("job.paused events").hasSize(1);
        List<JsonNode> startedWhilePaused = events.stream()
                .filter(e -> e.path("type").asText().equals("task.started"))
                .filter(e -> e.path("seq").asLong() > pausedAt && e.path("seq").asLong() < resumedAt).toList();
        assertThat(startedWhilePaused).as("task.started between job.paused (seq " + pausedAt + ") and job.resumed (seq "
                + resumedAt + ")").isEmpty();

        Map<String, Integer> succeeded = Checks.perUrl(events, "task.succeeded");
        assertThat(succeeded.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("pages with task.succeeded other than once").isEmpty();
        Set<String> cancelledByPause = Checks.ofType(events, "task.cancelled").stream()
                .filter(e -> e.path("data").path("reason").asText().equals("paused"))
                .map(e -> e.path("data").path("url").asText().substring(env.sites.origin().length()))
                .collect(Collectors.toSet());
        Map<String, Integer> twice = new TreeMap<>(Checks.notFetchedOnce(env.sites, crawl.site));
        Map<String, Integer> unexplained = twice.entrySet().stream()
                .filter(e -> !(cancelledByPause.contains(e.getKey()) && e.getValue() == 2))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        E2eEnvironment.log("pause cancelled %d in-flight fetch(es): %s; fetched twice: %s", cancelledByPause.size(),
                cancelledByPause, twice.keySet());
        assertThat(unexplained).as("pages fetched other than once (page → requests), not explained by a fetch the pause "
                + "cancelled in flight " + cancelledByPause).isEmpty();
    }

    static long seqOf(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).mapToLong(e -> e.path("seq").asLong())
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " event among "
                        + Checks.histogram(events)));
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
