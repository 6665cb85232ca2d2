package io.trawl.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** One crawl of a directory site in a scenario: the job, a WebSocket client connected from the start. */
final class Crawl implements AutoCloseable {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "killed");
    /** Per-host concurrency of the suite's crawls: two workers × 16 slots each. */
    static final int CONCURRENCY = 16;

    final E2eEnvironment env;
    final DirectorySite site;
    final String id;
    final EventFeed feed;

    private Crawl(E2eEnvironment env, DirectorySite site, String id, EventFeed feed) {
        this.env = env;
        this.site = site;
        this.id = id;
        this.feed = feed;
    }

    /** Mounts {@code site}, submits its crawl and connects a WebSocket client with {@code after=0}. */
    static Crawl start(E2eEnvironment env, DirectorySite site, String name) {
        site.mount(env.sites);
        JsonNode job = env.api.createJob(site.spec(env.sites, name, CONCURRENCY));
        String id = job.get("id").asText();
        if (!job.path("status").asText().equals("pending")) {
            throw new AssertionError("POST /jobs: expected status pending in the 201 answer, got " + TrawlApi.summary(job));
        }
        EventFeed feed = EventFeed.open(env.api.eventBase(), id, E2eEnvironment.KEY, 0, 0);
        E2eEnvironment.log("job %s: crawling %d pages of /%s/", id, site.pageCount(), site.key());
        return new Crawl(env, site, id, feed);
    }

    JsonNode job() {
        return env.api.job(id);
    }

    /** Waits until at least {@code n} tasks are done (mid-crawl). */
    JsonNode awaitDone(long n, Duration timeout) {
        return env.api.awaitJob(id, timeout, "tasksDone >= " + n + " (mid-crawl)",
                j -> j.path("progress").path("tasksDone").asLong() >= n || TERMINAL.contains(j.path("status").asText()));
    }

    /** Waits for a terminal status and fails unless it is {@code completed}. */
    JsonNode awaitCompleted(Duration timeout) {
        JsonNode job = env.api.awaitStatus(id, timeout, TERMINAL);
        if (!job.path("status").asText().equals("completed")) {
            throw new AssertionError("job " + id + ": expected completed, got " + TrawlApi.summary(job));
        }
        E2eEnvironment.log("job %s completed: %s", id, job.path("progress"));
        return job;
    }

    /** The items are exactly the site's, in both exports; the feed from the start saw 1..N; replay is 1..N. */
    List<JsonNode> assertExactlyComplete() {
        Checks.assertCompleteCrawl(env, id, site, env.sites);
        Checks.assertFeed("job " + id + " WebSocket client connected from the start", feed, env.api, id);
        return Checks.assertStoredEvents(env.api, id);
    }

    @Override
    public void close() {
        feed.close();
    }
}
