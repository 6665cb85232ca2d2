package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.FixtureServer;
import io.trawl.e2e.system.ServiceProcess;
import java.time.Duration;

/**
 * Positive markers for the scenarios' "nothing happens any more" checks (pause, kill), instead of fixed sleeps:
 * <ul>
 * <li>{@link #awaitWorkersIdle}: every running scrape-service reports {@code trawl_scrape_in_flight 0} on
 * {@code /q/metrics} — the fetches in flight at a pause or kill have wound down;</li>
 * <li>{@link #probe}: a one-page job submitted now is dispatched, fetched, completed and its events reach a
 * WebSocket client live — the dispatcher, the workers and the event path have all run since, so whatever they
 * could have done to the job under test (dispatch it, fetch for it, publish for it) would have shown.</li>
 * </ul>
 */
final class Quiet {

    private Quiet() {
    }

    /** Waits until no scrape-service has a task in flight. */
    static void awaitWorkersIdle(E2eEnvironment env, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double inFlight;
        while ((inFlight = inFlight(env)) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scrape-services still have " + inFlight + " task(s) in flight after " + timeout);
            }
            TrawlApi.sleep(100);
        }
    }

    /** {@code trawl_scrape_in_flight} summed over the running scrape-services. */
    static double inFlight(E2eEnvironment env) {
        double sum = 0;
        for (ServiceProcess scraper : env.system.scrapers()) {
            if (!scraper.alive()) {
                continue;
            }
            TrawlApi.Response metrics = env.api.get(scraper.baseUrl() + "/q/metrics", "Authorization", null);
            assertThat(metrics.status()).as("GET /q/metrics of " + scraper).isEqualTo(200);
            boolean found = false;
            for (String line : metrics.body().split("\n")) {
                if (line.startsWith("trawl_scrape_in_flight ") || line.startsWith("trawl_scrape_in_flight{")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            assertThat(found).as("trawl_scrape_in_flight on /q/metrics of " + scraper).isTrue();
        }
        return sum;
    }

    /**
     * Submits a one-page job on its own path of the sites server (outside every directory site's prefix) and
     * waits until it completed with its one item and a WebSocket client got its events live.
     */
    static void probe(E2eEnvironment env, String name) {
        String path = "/quiet-probe/" + name;
        env.sites.on(path, ex -> FixtureServer.html(ex, "<html><body><h1>probe " + name + "</h1></body></html>"));
        ObjectNode spec = TrawlApi.JSON.createObjectNode();
        spec.put("name", "e2e quiet probe " + name);
        spec.putArray("seeds").add(env.sites.url(path));
        spec.putObject("crawl").put("maxDepth", 0);
        spec.putObject("extract").putObject("fields").put("title", "h1");
        String id = env.api.createJob(spec).get("id").asText();
        try (EventFeed feed = EventFeed.open(env.api.eventBase(), id, E2eEnvironment.KEY, 0, 0)) {
            JsonNode job = env.api.awaitStatus(id, Duration.ofSeconds(60), Crawl.TERMINAL);
            assertThat(job.path("status").asText()).as("probe job " + TrawlApi.summary(job)).isEqualTo("completed");
            assertThat(job.path("progress").path("items").asLong()).as("items of the probe job").isEqualTo(1);
            EventFeed.Received terminal = feed.awaitTerminal(Duration.ofSeconds(30));
            assertThat(feed.received().stream().anyMatch(EventFeed.Received::live))
                    .as("probe events that reached the WebSocket client live: " + feed.seqs()).isTrue();
            assertThat(terminal.type()).as("the probe feed's terminal event").isEqualTo("job.completed");
        }
        assertThat(env.sites.hits(path)).as("requests of the probe page").isEqualTo(1);
        E2eEnvironment.log("quiet probe %s: job %s completed", name, id);
    }
}
