package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.SseFeed;
import io.trawl.e2e.fixture.DirectorySite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 1 (happy path) and scenario 7 (a client that reconnects every few hundred events) share one crawl
 * of 2,101 pages (10 cities × 10 listing pages × 20 businesses + the index): both WebSocket clients are
 * connected before the first task runs.
 */
@ExtendWith(E2e.class)
@Order(2)
@DisplayName("1 + 7: happy path (2,101 pages) and a reconnecting WebSocket client")
class HappyPathIT {

    static E2eEnvironment env;
    static Crawl crawl;
    static EventFeed reconnecting;
    static SseFeed sse;
    static Firehose firehose;
    static Firehose otherFirehose;
    static final int RECONNECT_EVERY = 300;
    static final int SSE_RECONNECT_EVERY = 500;

    @BeforeAll
    static void crawl() throws Exception {
        firehose = new Firehose(env.api.eventBase(), E2eEnvironment.KEY);
        otherFirehose = new Firehose(env.api.eventBase(), E2eEnvironment.OTHER_KEY);
        crawl = Crawl.start(env, new DirectorySite("happy", 10, 10, 20), "e2e happy path");
        reconnecting = EventFeed.open(env.api.eventBase(), crawl.id, E2eEnvironment.KEY, 0, RECONNECT_EVERY);
        sse = SseFeed.open(env.api.eventBase(), crawl.id, E2eEnvironment.KEY, SSE_RECONNECT_EVERY);
        crawl.awaitCompleted(Duration.ofMinutes(4));
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
        if (reconnecting != null) {
            reconnecting.close();
        }
        if (sse != null) {
            sse.close();
        }
        for (Firehose f : new Firehose[] {firehose, otherFirehose}) {
            if (f != null) {
                f.close();
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("1: the crawl completes with exactly the expected items; CSV and NDJSON exports match")
    void completesWithTheExactItemSet() {
        assertThat(crawl.site.pageCount()).as("pages in the happy path").isGreaterThanOrEqualTo(2000);
        Checks.assertCompleteCrawl(env, crawl.id, crawl.site, env.sites);
    }

    @Test
    @Order(2)
    @DisplayName("1: every page was fetched exactly once")
    void everyPageFetchedOnce() {
        Map<String, Integer> wrong = Checks.notFetchedOnce(env.sites, crawl.site);
        assertThat(wrong).as("fixture requests per page that are not exactly 1 (page → requests)").isEmpty();
    }

    @Test
    @Order(3)
    @DisplayName("1: a WebSocket client connected from the start saw seq 1..N, no gap, no duplicate")
    void feedFromTheStartSawEverySeq() {
        Checks.assertFeed("WebSocket client connected from the start", crawl.feed, env.api, crawl.id);
        assertThat(crawl.feed.problems()).as("problems the client met").isEmpty();
        assertThat(crawl.feed.connects()).as("connections of the client connected from the start").isEqualTo(1);
        List<JsonNode> stored = Checks.assertStoredEvents(env.api, crawl.id);
        List<JsonNode> live = crawl.feed.received().stream().map(EventFeed.Received::event).toList();
        assertThat(live).as("WebSocket events equal REST replay's, envelope for envelope").isEqualTo(stored);
        assertThat(Checks.ofType(stored, "task.succeeded")).as("task.succeeded events")
                .hasSize(crawl.site.pageCount());
        assertThat(stored.get(stored.size() - 1).path("type").asText()).as("last event").isEqualTo("job.completed");
    }

    @Test
    @Order(4)
    @DisplayName("7: a client that reconnects every 300 events with its last seq ends with exactly 1..N")
    void reconnectingClientEndsWithExactlyOneToN() {
        Checks.assertFeed("WebSocket client reconnecting every " + RECONNECT_EVERY + " events", reconnecting, env.api,
                crawl.id);
        long n = env.api.job(crawl.id).path("lastEventSeq").asLong();
        assertThat(reconnecting.connects()).as("connections of the reconnecting client for " + n + " events")
                .isGreaterThanOrEqualTo((int) (n / RECONNECT_EVERY));
        assertThat(reconnecting.problems()).as("problems the reconnecting client met").isEmpty();
    }

    @Test
    @Order(5)
    @DisplayName("7: an SSE client that reconnects with Last-Event-ID every 500 events ends with exactly 1..N, "
            + "the same envelopes as REST replay")
    void sseClientWithLastEventIdEndsWithExactlyOneToN() {
        sse.awaitTerminal(Duration.ofSeconds(60));
        long n = env.api.job(crawl.id).path("lastEventSeq").asLong();
        Checks.assertSeqs("SSE client reconnecting every " + SSE_RECONNECT_EVERY + " events", sse.seqs(), n);
        assertThat(sse.connects()).as("SSE connections for " + n + " events")
                .isGreaterThanOrEqualTo((int) (n / SSE_RECONNECT_EVERY));
        assertThat(sse.problems()).as("problems the SSE client met").isEmpty();
        assertThat(sse.events()).as("SSE envelopes equal REST replay's").isEqualTo(env.api.events(crawl.id));
    }

    @Test
    @Order(6)
    @DisplayName("the tenant's firehose /ws/events carried the job's events in order; another tenant's saw none")
    void firehoseIsPerTenant() {
        long n = env.api.job(crawl.id).path("lastEventSeq").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (firehose.seqsOf(crawl.id).size() < n && !firehose.resynced() && System.nanoTime() < deadline) {
            io.trawl.e2e.client.TrawlApi.sleep(100);
        }
        List<Long> seqs = firehose.seqsOf(crawl.id);
        // the premise: a firehose that fell behind is told to resync and closed, and then shows nothing about
        // carrying every event in order — that is a failure of this check, not a pass with a weaker one
        assertThat(firehose.resynced()).as("the tenant firehose was told to resync (it fell behind) after "
                + seqs.size() + " of " + n + " events").isFalse();
        Checks.assertSeqs("tenant firehose /ws/events (connected before the job was created)", seqs, n);
        assertThat(otherFirehose.messages).as("messages on another tenant's firehose").isEmpty();
    }
}
