package io.trawl.scrape.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.subscription.Cancellable;
import io.trawl.scrape.core.browser.BrowserOptions;
import io.trawl.scrape.core.browser.BrowserPageFetcher;
import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.RenderRules;
import io.trawl.guard.AddressGuard;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser fetcher against the system Chromium, on loopback only. The fixture site is on 127.0.0.2, the
 * only network the guard allows; two "secret" servers listen on 127.0.0.1 and 127.0.0.3, which the guard
 * refuses. Every request of the page goes through the guarded proxy, so the secret servers must see no
 * connection at all, whatever the page's scripts try.
 */
class BrowserFetcherTest {

    private static final RenderRules NOTHING_BLOCKED = new RenderRules(null, 0, Set.of(), 1280, 800);

    private static Vertx vertx;
    private static FixtureServer site;
    private static SecretServer secretOne;
    private static SecretServer secretThree;
    private static BrowserPageFetcher browser;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        secretOne = new SecretServer("127.0.0.1");
        secretThree = new SecretServer("127.0.0.3");
        site = FixtureServer.start(vertx, "127.0.0.2");
        String one = "127.0.0.1:" + secretOne.port();
        String three = "127.0.0.3:" + secretThree.port();
        site.html("/js", """
                <html><body><ul id="items"></ul><button id="more">load more</button><script>
                  const ul = document.getElementById('items');
                  for (const name of ['alpha', 'beta', 'gamma']) {
                    const li = document.createElement('li'); li.textContent = name; ul.appendChild(li);
                  }
                  fetch('/more.json').then(r => r.json()).then(more => {
                    for (const name of more) {
                      const li = document.createElement('li'); li.textContent = name; ul.appendChild(li);
                    }
                    const done = document.createElement('div'); done.id = 'done'; document.body.appendChild(done);
                  });
                </script></body></html>
                """)
                .on("/more.json", req -> req.response().putHeader("Content-Type", "application/json")
                        .end("[\"delta\", \"epsilon\"]"))
                .html("/attack", """
                        <html><body><img src="http://%s/pixel.png" onerror="settle()">
                        <script>
                          let left = 5;
                          function settle() { if (--left === 0) {
                            const d = document.createElement('div'); d.id = 'done'; document.body.appendChild(d); } }
                          fetch('http://%s/steal').then(settle, settle);
                          fetch('http://localhost:%d/steal').then(settle, settle);
                          fetch('https://%s/steal').then(settle, settle);
                          const ws = new WebSocket('ws://%s/socket');
                          ws.onerror = settle;
                        </script><p>attack page</p></body></html>
                        """.formatted(three, one, secretOne.port(), one, one))
                .on("/into-loopback", req -> req.response().setStatusCode(302)
                        .putHeader("Location", "http://" + one + "/").end())
                .on("/never", req -> req.response().setChunked(true).putHeader("Content-Type", "text/html")
                        .write("<html><body>loading forever"))
                .html("/hog", """
                        <html><body><script>
                          const hoard = [];
                          setInterval(() => { for (let i = 0; i < 200; i++) hoard.push(new Array(100000).fill(i)); }, 1);
                        </script></body></html>
                        """);
        browser = new BrowserPageFetcher(new BrowserOptions(System.getProperty("trawl.test.chromium", "/usr/bin/chromium"),
                "/usr/bin/node", 2, "TrawlTest/1.0", 128, 0, Duration.ofSeconds(30),
                true), AddressGuard.of("127.0.0.2/32"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        site.close();
        secretOne.close();
        secretThree.close();
        vertx.close();
    }

    private static FetchResponse render(String path, RenderRules rules, Duration timeout) {
        return browser.fetch(new FetchRequest(site.url(path), timeout, 5_000_000, rules))
                .await().atMost(timeout.plusSeconds(30));
    }

    @Test
    void rendersWhatTheScriptBuildsIncludingTheXhrLoadMore() {
        FetchResponse page = render("/js", new RenderRules("#done", 0, Set.of("image"), 1280, 800),
                Duration.ofSeconds(30));
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.isHtml()).isTrue();
        assertThat(html).contains("<li>alpha</li>", "<li>gamma</li>", "<li>delta</li>", "<li>epsilon</li>");
        assertThat(site.count("/more.json")).isPositive();
    }

    @Test
    void scriptsImagesAndWebSocketsNeverReachAnAddressTheGuardRefuses() {
        long blockedBefore = browser.proxy().blockedCount();
        FetchResponse page = render("/attack", new RenderRules("#done", 0, Set.of(), 1280, 800),
                Duration.ofSeconds(30));
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("attack page", "id=\"done\"");
        assertThat(browser.proxy().blockedCount() - blockedBefore).isGreaterThanOrEqualTo(4);
        assertThat(secretOne.connections()).isZero();
        assertThat(secretThree.connections()).isZero();
    }

    @Test
    void aRedirectIntoLoopbackIsRefused() {
        assertThatThrownBy(() -> render("/into-loopback", NOTHING_BLOCKED, Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.failure()).as(e.getMessage()).isEqualTo(FetchFailure.BLOCKED_ADDRESS));
        assertThat(secretOne.connections()).isZero();
    }

    @Test
    void aPageOnARefusedAddressIsNotRendered() {
        String url = "http://127.0.0.1:" + secretOne.port() + "/";
        assertThatThrownBy(() -> browser.fetch(new FetchRequest(url, Duration.ofSeconds(10), 1_000_000,
                NOTHING_BLOCKED)).await().atMost(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.failure()).isEqualTo(FetchFailure.BLOCKED_ADDRESS));
        assertThatThrownBy(() -> browser.fetch(new FetchRequest("file:///etc/passwd", Duration.ofSeconds(10),
                1_000_000, NOTHING_BLOCKED)).await().atMost(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.failure()).isEqualTo(FetchFailure.BAD_URL));
        assertThat(secretOne.connections()).isZero();
    }

    @Test
    void aPageThatNeverFinishesLoadingTimesOutWithinTimeoutMs() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> render("/never", NOTHING_BLOCKED, Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.failure()).isEqualTo(FetchFailure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aPageThatAllocatesWithoutEndCrashesAloneAndTheBrowserGoesOn() {
        assertThatThrownBy(() -> render("/hog", new RenderRules(null, 20_000, Set.of(), 800, 600),
                Duration.ofSeconds(25)))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.failure()).isEqualTo(FetchFailure.CONNECTION);
                    assertThat(e.failure().retryable()).isTrue();
                    assertThat(e.getMessage()).contains("crash");
                });
        FetchResponse after = render("/js", new RenderRules("#done", 0, Set.of(), 1280, 800), Duration.ofSeconds(30));
        assertThat(new String(after.body(), StandardCharsets.UTF_8)).contains("<li>epsilon</li>");
    }

    @Test
    void cancellingClosesThePageAtOnce() {
        int before = site.count("/never");
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Cancellable fetch = browser.fetch(new FetchRequest(site.url("/never"), Duration.ofSeconds(60), 1_000_000,
                NOTHING_BLOCKED)).subscribe().with(outcome::complete, outcome::completeExceptionally);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> site.count("/never") > before);
        fetch.cancel();
        // Both threads must be free again well before the 60 s timeout: two renders side by side succeed.
        RenderRules rules = new RenderRules("#done", 0, Set.of(), 1280, 800);
        CompletableFuture<FetchResponse> a = browser.fetch(new FetchRequest(site.url("/js"), Duration.ofSeconds(20),
                1_000_000, rules)).subscribeAsCompletionStage();
        CompletableFuture<FetchResponse> b = browser.fetch(new FetchRequest(site.url("/js"), Duration.ofSeconds(20),
                1_000_000, rules)).subscribeAsCompletionStage();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> a.isDone() && b.isDone());
        assertThat(a.join().status()).isEqualTo(200);
        assertThat(b.join().status()).isEqualTo(200);
        assertThat(outcome).isNotDone();
    }

    /** Counts every TCP connection it accepts, and answers none. */
    private static final class SecretServer implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();

        SecretServer(String host) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "secret-" + host);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
