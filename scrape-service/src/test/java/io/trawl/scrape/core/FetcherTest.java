package io.trawl.scrape.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.FetcherOptions;
import io.trawl.guard.AddressGuard;
import io.trawl.scrape.core.fetch.HttpPageFetcher;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fetcher against a real HTTP server on 127.0.0.1 (and 127.0.0.2): limits, redirects, the address guard. */
class FetcherTest {

    private static final FetcherOptions OPTIONS = new FetcherOptions("TrawlTest/1.0", Duration.ofSeconds(2),
            Duration.ofSeconds(2), 3, 4);
    private static Vertx vertx;
    private static ExecutorService blocking;
    private static FixtureServer site;
    private static HttpPageFetcher fetcher;
    private static final AtomicBoolean endlessClosed = new AtomicBoolean();
    private static final AtomicBoolean slowClosed = new AtomicBoolean();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        blocking = Executors.newFixedThreadPool(2);
        site = FixtureServer.start(vertx, "127.0.0.1");
        site.on("/ua", req -> req.response().putHeader("Content-Type", "text/html")
                        .end("<html><body>" + req.getHeader("User-Agent") + "|" + req.getHeader("Host") + "</body></html>"))
                .on("/huge", req -> req.response().putHeader("Content-Type", "text/html")
                        .putHeader("Content-Length", "50000000").write("<html>"))
                .on("/endless", req -> {
                    req.response().setChunked(true).putHeader("Content-Type", "text/html");
                    req.connection().closeHandler(v -> endlessClosed.set(true));
                    Buffer chunk = Buffer.buffer("<p>" + "x".repeat(8000) + "</p>");
                    long timer = vertx.setPeriodic(1, id -> {
                        if (!req.response().closed() && !req.response().writeQueueFull()) {
                            req.response().write(chunk);
                        }
                    });
                    req.response().closeHandler(v -> vertx.cancelTimer(timer));
                })
                .on("/slow", req -> {
                    req.connection().closeHandler(v -> slowClosed.set(true));
                    vertx.setTimer(5000, id -> {
                        if (!req.response().closed()) {
                            req.response().end("<html>late</html>");
                        }
                    });
                })
                .on("/gzip", req -> req.response().putHeader("Content-Type", "text/html")
                        .putHeader("Content-Encoding", "gzip")
                        .end(Buffer.buffer(gzip("<html><body>compressed</body></html>".getBytes(StandardCharsets.UTF_8)))))
                .on("/bomb", req -> req.response().putHeader("Content-Type", "text/html")
                        .putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip(new byte[20_000_000]))))
                .on("/r1", req -> req.response().setStatusCode(301).putHeader("Location", "/r2").end())
                .on("/r2", req -> req.response().setStatusCode(302).putHeader("Location", site.url("/ua")).end())
                .on("/loop", req -> req.response().setStatusCode(302).putHeader("Location", "/loop").end())
                .on("/to-file", req -> req.response().setStatusCode(302).putHeader("Location", "file:///etc/passwd").end())
                .on("/busy", req -> req.response().setStatusCode(503).putHeader("Retry-After", "7").end("busy"))
                .on("/secret", req -> req.response().end("internal"));
        fetcher = new HttpPageFetcher(vertx, OPTIONS, AddressGuard.of("127.0.0.1/32"), blocking, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        site.close();
        blocking.shutdownNow();
        vertx.close();
    }

    private static FetchResponse get(HttpPageFetcher f, String url, long maxBytes) {
        return f.fetch(new FetchRequest(url, Duration.ofSeconds(5), maxBytes)).await().atMost(Duration.ofSeconds(20));
    }

    private static FetchFailure failureOf(Runnable fetch) {
        try {
            fetch.run();
        } catch (FetchException e) {
            return e.failure();
        }
        throw new AssertionError("the fetch did not fail");
    }

    @Test
    void fetchesAPageWithOurUserAgentAndTheNameInTheHostHeader() {
        FetchResponse r = get(fetcher, site.url("/ua"), 10_000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.isHtml()).isTrue();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("TrawlTest/1.0|127.0.0.1:" + site.port());
    }

    @Test
    void aDeclaredHugeBodyIsRefusedBeforeReadingIt() {
        assertThat(failureOf(() -> get(fetcher, site.url("/huge"), 100_000))).isEqualTo(FetchFailure.TOO_LARGE);
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheCapAndTheConnectionDropped() {
        long started = System.nanoTime();
        assertThat(failureOf(() -> get(fetcher, site.url("/endless"), 200_000))).isEqualTo(FetchFailure.TOO_LARGE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(endlessClosed);
    }

    @Test
    void aSlowPageHitsTheTotalTimeout() {
        long started = System.nanoTime();
        FetchFailure failure = failureOf(() -> fetcher.fetch(new FetchRequest(site.url("/slow"), Duration.ofMillis(500),
                10_000)).await().atMost(Duration.ofSeconds(10)));
        assertThat(failure).isEqualTo(FetchFailure.TIMEOUT);
        assertThat(failure.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aSilentServerHitsTheReadTimeout() {
        HttpPageFetcher shortRead = new HttpPageFetcher(vertx, new FetcherOptions("t", Duration.ofSeconds(2), Duration.ofMillis(300), 3, 4),
                AddressGuard.of("127.0.0.1/32"), blocking, Clock.systemUTC());
        try {
            assertThat(failureOf(() -> get(shortRead, site.url("/slow"), 10_000))).isEqualTo(FetchFailure.TIMEOUT);
        } finally {
            shortRead.close();
        }
    }

    @Test
    void cancellingAFetchClosesTheConnection() throws Exception {
        slowClosed.set(false);
        CountDownLatch started = new CountDownLatch(1);
        Cancellable fetch = fetcher.fetch(new FetchRequest(site.url("/slow"), Duration.ofSeconds(30), 10_000))
                .subscribe().with(r -> started.countDown(), f -> started.countDown());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> site.hits().stream().anyMatch(h -> h.path().equals("/slow")));
        fetch.cancel();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(slowClosed);
        assertThat(started.await(100, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void gzipIsDecodedAndABombIsCutAtTheDecompressedCap() {
        FetchResponse r = get(fetcher, site.url("/gzip"), 10_000);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("<html><body>compressed</body></html>");
        assertThat(r.wireBytes()).isLessThan(r.body().length + 30L);
        assertThat(failureOf(() -> get(fetcher, site.url("/bomb"), 1_000_000))).isEqualTo(FetchFailure.TOO_LARGE);
    }

    @Test
    void followsRedirectsUpToTheHopLimit() {
        FetchResponse r = get(fetcher, site.url("/r1"), 10_000);
        assertThat(r.url()).isEqualTo(site.url("/ua"));
        assertThat(r.redirects()).isEqualTo(2);
        assertThat(failureOf(() -> get(fetcher, site.url("/loop"), 10_000))).isEqualTo(FetchFailure.TOO_MANY_REDIRECTS);
        assertThat(failureOf(() -> get(fetcher, site.url("/to-file"), 10_000))).isEqualTo(FetchFailure.BAD_URL);
    }

    /**
     * A reset (here of 503 answers, whose bodies are not read) must not close a pooled connection that another
     * fetch of the same server has just been lent. Before the fetcher issued each server's requests from one
     * event loop, about 3 % of these fetches failed with "Connection was closed".
     */
    @Test
    void concurrentFetchesOfOneServerSurviveEachOthersResets() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 150; round++) {
            List<CompletableFuture<FetchResponse>> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(fetcher.fetch(new FetchRequest(site.url(i % 2 == 0 ? "/busy" : "/ua"), Duration.ofSeconds(5),
                        10_000)).subscribeAsCompletionStage());
            }
            for (CompletableFuture<FetchResponse> fetch : batch) {
                try {
                    fetch.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void errorStatusesCarryRetryAfterAndNoBody() {
        FetchResponse r = get(fetcher, site.url("/busy"), 10_000);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(r.body()).isEmpty();
    }

    @Test
    void loopbackIsRefusedWithoutAnAllowListAndNothingIsSent() {
        HttpPageFetcher strict = new HttpPageFetcher(vertx, OPTIONS, AddressGuard.of(""), blocking, Clock.systemUTC());
        try {
            int before = site.count("/secret");
            assertThat(failureOf(() -> get(strict, site.url("/secret"), 10_000))).isEqualTo(FetchFailure.BLOCKED_ADDRESS);
            assertThat(failureOf(() -> get(strict, "http://localhost:" + site.port() + "/secret", 10_000)))
                    .isEqualTo(FetchFailure.BLOCKED_ADDRESS);
            assertThat(failureOf(() -> get(strict, "http://[::ffff:127.0.0.1]:" + site.port() + "/secret", 10_000)))
                    .isEqualTo(FetchFailure.BLOCKED_ADDRESS);
            assertThat(failureOf(() -> get(strict, "http://2130706433:" + site.port() + "/secret", 10_000)))
                    .isEqualTo(FetchFailure.BLOCKED_ADDRESS);
            assertThat(site.count("/secret")).isEqualTo(before);
            assertThat(failureOf(() -> get(strict, "ftp://example.com/x", 10_000))).isEqualTo(FetchFailure.BAD_URL);
        } finally {
            strict.close();
        }
    }

    @Test
    void aRedirectTo127001IsRefusedOnTheHop() {
        // The "outside" site lives on 127.0.0.2 (allow-listed); it redirects to the internal 127.0.0.1 server.
        FixtureServer outside = FixtureServer.start(vertx, "127.0.0.2");
        outside.on("/go", req -> req.response().setStatusCode(302).putHeader("Location", site.url("/secret")).end());
        HttpPageFetcher guarded = new HttpPageFetcher(vertx, OPTIONS, AddressGuard.of("127.0.0.2/32"), blocking, Clock.systemUTC());
        try {
            int before = site.count("/secret");
            assertThatThrownBy(() -> get(guarded, outside.url("/go"), 10_000))
                    .isInstanceOf(FetchException.class).hasMessageContaining("127.0.0.1").hasMessageContaining("loopback")
                    .satisfies(e -> assertThat(((FetchException) e).failure()).isEqualTo(FetchFailure.BLOCKED_ADDRESS));
            assertThat(outside.count("/go")).isEqualTo(1);
            assertThat(site.count("/secret")).isEqualTo(before);
        } finally {
            guarded.close();
            outside.close();
        }
    }

    @Test
    void invalidUrlsFailWithoutAConnection() {
        assertThat(failureOf(() -> Uni.createFrom().item(0).chain(x -> fetcher.fetch(
                new FetchRequest("http://user:pw@127.0.0.1/", Duration.ofSeconds(1), 10))).await().indefinitely()))
                .isEqualTo(FetchFailure.BAD_URL);
    }

    private static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
