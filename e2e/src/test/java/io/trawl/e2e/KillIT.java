package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 3: kill mid-crawl. The job is terminal at once, every open task is cancelled in the same step,
 * nothing follows {@code job.killed} (neither in the store nor on the live feed), no page is fetched after the
 * in-flight fetches wound down (every worker reports nothing in flight) while a probe job runs from submit to
 * live {@code job.completed}, and a second kill is a no-op (200, same state, no event).
 */
@ExtendWith(E2e.class)
@Order(4)
@DisplayName("3: kill is terminal, nothing follows job.killed, a second kill is a no-op")
class KillIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void killMidCrawl() {
        crawl = Crawl.start(env, new DirectorySite("kill", 4, 5, 20), "e2e kill"); // 421 pages
        crawl.awaitDone(80, Duration.ofSeconds(60));

        TrawlApi.Response killed = env.api.control(crawl.id, "kill");
        assertThat(killed.status()).as("POST kill: " + killed).isEqualTo(200);
        assertThat(killed.json().path("status").asText()).as("status in the kill answer").isEqualTo("killed");

        // Fetches in flight at the kill wind down (cancelled by the control message, or finished and refused by
        // the outcome guard): wait until no scrape-service has a task in flight; then nothing may change any more.
        Quiet.awaitWorkersIdle(env, Duration.ofSeconds(30));
        JsonNode after = env.api.job(crawl.id);
        Map<String, Integer> hits = env.sites.hitsUnder(crawl.site.prefix());
        int received = crawl.feed.received().size();
        // The quiet period is not a fixed time: it lasts until a probe job submitted now has been dispatched,
        // fetched, completed and streamed live — so the dispatcher, the workers (every message of the killed job
        // still queued before the probe's included) and the event path all ran in it.
        Quiet.probe(env, "kill");
        Quiet.awaitWorkersIdle(env, Duration.ofSeconds(30));
        JsonNode later = env.api.job(crawl.id);

        assertThat(later.path("status").asText()).as("status").isEqualTo("killed");
        assertThat(later.path("finishedAt").isTextual()).as("finishedAt set: " + TrawlApi.summary(later)).isTrue();
        assertThat(later.path("lastEventSeq").asLong()).as("lastEventSeq after the quiet period").isEqualTo(after.path("lastEventSeq").asLong());
        assertThat(later.path("progress")).as("progress after the quiet period").isEqualTo(after.path("progress"));
        assertThat(env.sites.hitsUnder(crawl.site.prefix())).as("fixture requests during the quiet period").isEqualTo(hits);
        assertThat(later.path("tasks").path("pending").asLong() + later.path("tasks").path("queued").asLong()
                + later.path("tasks").path("running").asLong()).as("open tasks after the kill: " + later.path("tasks"))
                .isZero();

        List<JsonNode> events = Checks.assertStoredEvents(env.api, crawl.id);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("type").asText()).as("the last stored event (histogram " + Checks.histogram(events) + ")")
                .isEqualTo("job.killed");
        assertThat(Checks.ofType(events, "job.killed")).as("job.killed events").hasSize(1);
        assertThat(last.path("data").path("cancelledTasks").asLong()).as("cancelledTasks in job.killed")
                .isEqualTo(later.path("tasks").path("cancelled").asLong());

        Checks.assertFeed("WebSocket client connected from the start", crawl.feed, env.api, crawl.id);
        List<EventFeed.Received> live = crawl.feed.received();
        assertThat(live.get(live.size() - 1).type()).as("the last event on the live feed").isEqualTo("job.killed");
        // the premise of "nothing followed on the live feed": the client was live, not replaying, at the kill
        assertThat(live.get(live.size() - 1).live()).as("job.killed arrived live").isTrue();
        assertThat(live).as("live feed after job.killed (received " + received + " before the quiet period)")
                .hasSize(received);

        long items = later.path("progress").path("items").asLong();
        assertThat(Checks.ndjsonItems(env.api, crawl.id)).as("items exported = the job's item counter").hasSize((int) items);
        Map<String, Map<String, String>> expected = crawl.site.expectedItems(env.sites);
        Checks.ndjsonItems(env.api, crawl.id).forEach((url, data) ->
                assertThat(data).as("item of " + url).isEqualTo(expected.get(url)));

        TrawlApi.Response second = env.api.control(crawl.id, "kill");
        assertThat(second.status()).as("a second kill: " + second).isEqualTo(200);
        assertThat(second.json().path("status").asText()).as("status after a second kill").isEqualTo("killed");
        assertThat(env.api.job(crawl.id).path("lastEventSeq").asLong()).as("lastEventSeq after a second kill")
                .isEqualTo(later.path("lastEventSeq").asLong());
        TrawlApi.Response resume = env.api.control(crawl.id, "resume");
        assertThat(resume.status()).as("resume of a killed job: " + resume).isEqualTo(409);
        assertThat(resume.contentType()).as("resume of a killed job").startsWith("application/problem+json");
        assertThat(env.api.job(crawl.id).path("lastEventSeq").asLong()).as("lastEventSeq after the refused resume")
                .isEqualTo(later.path("lastEventSeq").asLong());
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
