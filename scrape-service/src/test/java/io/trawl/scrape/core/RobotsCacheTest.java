package io.trawl.scrape.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetcherOptions;
import io.trawl.scrape.core.fetch.HttpPageFetcher;
import io.trawl.guard.AddressGuard;
import io.trawl.scrape.core.robots.RobotsCache;
import io.trawl.scrape.core.robots.RobotsOptions;
import io.trawl.scrape.core.robots.RobotsRules;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** robots.txt through crawler-commons, cached per origin, against a real local server. */
class RobotsCacheTest {

    private Vertx vertx;
    private ExecutorService blocking;
    private FixtureServer site;
    private HttpPageFetcher fetcher;
    private final List<Long> crawlDelays = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        blocking = Executors.newFixedThreadPool(2);
        site = FixtureServer.start(vertx, "127.0.0.1");
        fetcher = new HttpPageFetcher(vertx, new FetcherOptions("TrawlBot/1.0", Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 4),
                AddressGuard.of("127.0.0.1/32"), blocking, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        fetcher.close();
        site.close();
        blocking.shutdownNow();
        vertx.close();
    }

    private RobotsCache cache(Duration ttl) {
        return new RobotsCache(fetcher, new RobotsOptions("trawlbot", ttl, Duration.ofMillis(200), 100_000,
                Duration.ofSeconds(2), 100), Clock.systemUTC(), blocking, (origin, rules) -> crawlDelays.add(rules.crawlDelayMs()));
    }

    private static FetchFailure check(RobotsCache cache, String url) {
        try {
            cache.filter().check(URI.create(url)).await().atMost(Duration.ofSeconds(10));
            return null;
        } catch (FetchException e) {
            return e.failure();
        }
    }

    @Test
    void disallowAndCrawlDelayForOurAgentAreHonouredAndFetchedOnce() {
        site.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain").end("""
                User-agent: *
                Disallow: /

                User-agent: trawlbot
                Disallow: /private/
                Crawl-delay: 2
                """));
        RobotsCache cache = cache(Duration.ofMinutes(5));
        assertThat(check(cache, site.url("/public/page"))).isNull();
        assertThat(check(cache, site.url("/private/page"))).isEqualTo(FetchFailure.BLOCKED_BY_ROBOTS);
        assertThat(check(cache, site.url("/"))).isNull();
        RobotsRules rules = cache.rulesFor(URI.create(site.url("/x"))).await().atMost(Duration.ofSeconds(5));
        assertThat(rules.crawlDelayMs()).isEqualTo(2000);
        assertThat(site.count("/robots.txt")).isEqualTo(1);
        assertThat(crawlDelays).containsExactly(2000L);
    }

    @Test
    void concurrentTasksOfOneOriginShareOneFetchAndTheTtlExpires() throws Exception {
        AtomicInteger served = new AtomicInteger();
        site.on("/robots.txt", req -> vertx.setTimer(200, id -> {
            served.incrementAndGet();
            req.response().end("User-agent: *\nDisallow: /no\n");
        }));
        RobotsCache cache = cache(Duration.ofMillis(500));
        List<io.smallrye.mutiny.Uni<RobotsRules>> many = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> cache.rulesFor(URI.create(site.url("/p" + i)))).toList();
        for (var uni : many) {
            assertThat(uni.await().atMost(Duration.ofSeconds(5)).allows(site.url("/no"))).isFalse();
        }
        assertThat(served.get()).isEqualTo(1);
        Thread.sleep(700);
        cache.rulesFor(URI.create(site.url("/again"))).await().atMost(Duration.ofSeconds(5));
        assertThat(served.get()).isEqualTo(2);
    }

    @Test
    void missingRobotsAllowsEverythingAndServerErrorsDeferTheOrigin() {
        RobotsCache cache = cache(Duration.ofMinutes(5));
        assertThat(check(cache, site.url("/anything"))).isNull(); // 404 robots.txt
        site.on("/robots.txt", req -> req.response().setStatusCode(503).end());
        RobotsCache failing = cache(Duration.ofMinutes(5));
        FetchFailure failure = check(failing, site.url("/anything"));
        assertThat(failure).isEqualTo(FetchFailure.ROBOTS_UNAVAILABLE);
        assertThat(failure.retryable()).isTrue();
    }

    /** RFC 9309 §2.5: a crawler parses at least the first 500 KiB; a larger file is not "no rules". */
    @Test
    void aRobotsTxtLargerThanTheCapIsParsedUpToTheCap() {
        StringBuilder big = new StringBuilder("User-agent: *\nDisallow: /\n");
        while (big.length() < 600_000) {
            big.append("# padding to make this robots.txt larger than the parsing limit\n");
        }
        site.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain").end(big.toString()));
        RobotsCache cache = new RobotsCache(fetcher, new RobotsOptions("trawlbot", Duration.ofMinutes(5),
                Duration.ofMillis(200), 500 * 1024, Duration.ofSeconds(2), 100), Clock.systemUTC(), blocking,
                (origin, rules) -> { });
        assertThat(check(cache, site.url("/any/page"))).isEqualTo(FetchFailure.BLOCKED_BY_ROBOTS);
    }

    @Test
    void aChunkedRobotsTxtLargerThanTheCapIsParsedUpToTheCap() {
        site.on("/robots.txt", req -> {
            req.response().setChunked(true).putHeader("Content-Type", "text/plain");
            req.response().write("User-agent: trawlbot\nDisallow: /private/\n");
            String pad = "# padding\n".repeat(1000);
            for (int i = 0; i < 70; i++) {
                req.response().write(pad);
            }
            req.response().end("User-agent: trawlbot\nDisallow: /late/\n");
        });
        RobotsCache cache = new RobotsCache(fetcher, new RobotsOptions("trawlbot", Duration.ofMinutes(5),
                Duration.ofMillis(200), 500 * 1024, Duration.ofSeconds(2), 100), Clock.systemUTC(), blocking,
                (origin, rules) -> { });
        assertThat(check(cache, site.url("/private/x"))).isEqualTo(FetchFailure.BLOCKED_BY_ROBOTS);
        assertThat(check(cache, site.url("/late/x"))).isNull(); // past the limit: not parsed
    }

    /** An undecodable robots.txt is "unavailable" (RFC 9309 §2.3.1.4 rules for 5xx), not "allow all". */
    @Test
    void anUndecodableRobotsTxtMakesTheOriginUnavailable() {
        site.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain")
                .putHeader("Content-Encoding", "gzip").end("this is not gzip at all"));
        RobotsCache cache = cache(Duration.ofMinutes(5));
        assertThat(check(cache, site.url("/anything"))).isEqualTo(FetchFailure.ROBOTS_UNAVAILABLE);
        site.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain")
                .putHeader("Content-Encoding", "br").end("Disallow: /"));
        RobotsCache unknown = cache(Duration.ofMinutes(5));
        assertThat(check(unknown, site.url("/anything"))).isEqualTo(FetchFailure.ROBOTS_UNAVAILABLE);
    }
}
