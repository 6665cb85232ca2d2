package io.trawl.scrape.core.browser;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import com.microsoft.playwright.options.WaitForSelectorState;
import com.microsoft.playwright.options.WaitUntilState;
import io.smallrye.mutiny.Uni;
import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.FetcherUnavailableException;
import io.trawl.scrape.core.fetch.HopFilter;
import io.trawl.scrape.core.fetch.PageFetcher;
import io.trawl.scrape.core.fetch.RenderRules;
import io.trawl.scrape.core.fetch.RetryAfter;
import io.trawl.guard.AddressGuard;
import io.trawl.guard.BlockedAddressException;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The browser {@link PageFetcher}: renders a page in the system Chromium through Playwright for Java and
 * returns the DOM after its scripts ran.
 * <ul>
 * <li>One Chromium per worker ({@link ChromiumProcess}), every request it makes through the
 * {@link GuardedProxy}; restarted when it died or its processes hold more than
 * {@link BrowserOptions#memoryCap()}.</li>
 * <li>Playwright is blocking and not thread-safe: {@link BrowserOptions#contexts()} dedicated threads, each
 * with its own Playwright attached to the one browser over DevTools; never an event loop.</li>
 * <li>A fresh browser context per page (no cookies, storage or cache shared between pages or jobs), downloads
 * off, service workers blocked, non-http(s) requests and the job's blocked resource types aborted.</li>
 * <li>The whole render (navigation, {@code waitFor}, {@code waitMs}) is bounded by the request's timeout;
 * cancelling the returned Uni closes the page's target at once.</li>
 * <li>The worker's own setup (launching Chromium, starting a thread's driver and attaching it) is not the page's:
 * it is bounded by {@link BrowserOptions#launchTimeout()} per step, not by the page's timeout, and when it fails
 * the fetch fails with {@link FetcherUnavailableException} (the page was not tried; its attempt is not spent).
 * {@link #warmUp()} does it before the first page.</li>
 * <li>Chromium dies with the worker's JVM even on {@code kill -9} ({@link ChromiumProcess}: a parent-death
 * signal), so a killed worker leaves no browser behind.</li>
 * </ul>
 */
public final class BrowserPageFetcher implements PageFetcher {

    private final BrowserOptions options;
    private final AddressGuard guard;
    private final Clock clock;
    private final GuardedProxy proxy;
    private final ExecutorService threads;
    /** Launches Chromium: one thread that lives as long as the fetcher (Chromium's parent-death signal follows it). */
    private final ExecutorService launcher;
    private final ThreadLocal<Attached> attached = new ThreadLocal<>();
    private final HttpClient devtools = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger active = new AtomicInteger();
    private volatile ChromiumProcess chromium;
    private volatile int generation;
    private volatile boolean restartWanted;

    public BrowserPageFetcher(BrowserOptions options, AddressGuard guard, Clock clock) throws IOException {
        this.options = options;
        this.guard = guard;
        this.clock = clock;
        this.proxy = GuardedProxy.start(guard);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(options.contexts(), r -> {
            Thread t = new Thread(r, "trawl-browser-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.launcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trawl-browser-launcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Launches Chromium and attaches every context thread's driver to it, before the first page: the worker takes
     * browser tasks once this completes (also when it failed: a page then tries the setup again, and a failure
     * hands its task back). Completes exceptionally with the setup's failure.
     */
    public CompletableFuture<Void> warmUp() {
        int n = options.contexts();
        CountDownLatch attachedAll = new CountDownLatch(n);
        List<CompletableFuture<Void>> each = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            each.add(CompletableFuture.runAsync(() -> {
                try {
                    browser();
                } finally {
                    attachedAll.countDown();
                }
                try {
                    // hold this thread until every thread has taken a warm-up task: one attach per thread
                    attachedAll.await(options.launchTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, threads));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    }

    /** The guarded proxy every browser request goes through (tests and metrics read its counters). */
    public GuardedProxy proxy() {
        return proxy;
    }

    /** Resident memory of the browser's processes now (0 before the first page). */
    public long residentBytes() {
        ChromiumProcess c = chromium;
        return c == null ? 0 : c.residentBytes();
    }

    @Override
    public Uni<FetchResponse> fetch(FetchRequest request, HopFilter filter) {
        return Uni.createFrom().emitter(em -> {
            AtomicReference<String> target = new AtomicReference<>();
            Future<?> work = threads.submit(() -> {
                try {
                    em.complete(render(request, filter, target));
                } catch (FetchException | FetcherUnavailableException e) {
                    em.fail(e);
                } catch (RuntimeException e) {
                    em.fail(new FetchException(FetchFailure.CONNECTION, "browser: " + e.getMessage(), e));
                }
            });
            em.onTermination(() -> {
                if (!work.isDone()) {
                    work.cancel(false);
                    closeTarget(target.get());
                }
            });
        });
    }

    @Override
    public void close() {
        threads.shutdownNow();
        launcher.shutdownNow();
        ChromiumProcess c = chromium;
        if (c != null) {
            c.kill();
        }
        proxy.close();
    }

    private FetchResponse render(FetchRequest request, HopFilter filter, AtomicReference<String> target) {
        URI uri = checkUrl(request.url());
        filter.check(uri).await().atMost(request.timeout());
        active.incrementAndGet();
        try {
            Browser browser = browser();
            // The page's time starts now: a Chromium launch or a driver start before it is the worker's, not the page's
            // (on a freshly started worker under load they took longer than the page's whole timeout).
            long started = System.nanoTime();
            long deadline = started + request.timeout().toNanos();
            RenderRules rules = request.browser();
            BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                    .setUserAgent(options.userAgent())
                    .setViewportSize(rules == null ? 1280 : rules.viewportWidth(), rules == null ? 800 : rules.viewportHeight())
                    .setAcceptDownloads(false)
                    .setServiceWorkers(ServiceWorkerPolicy.BLOCK));
            try {
                context.route("**/*", route -> {
                    Request r = route.request();
                    String url = r.url().toLowerCase(Locale.ROOT);
                    if (!url.startsWith("http://") && !url.startsWith("https://")
                            || rules != null && rules.blockResources().contains(r.resourceType())) {
                        route.abort("blockedbyclient");
                    } else {
                        route.resume();
                    }
                });
                Page page = context.newPage();
                target.set(targetId(context, page));
                return load(page, request, rules, started, deadline);
            } finally {
                try {
                    context.close();
                } catch (PlaywrightException ignored) {
                    // the target was closed by a cancellation or a crash
                }
            }
        } catch (TimeoutError e) {
            throw new FetchException(FetchFailure.TIMEOUT, "no rendered page within " + request.timeout().toMillis()
                    + " ms", e);
        } catch (PlaywrightException e) {
            throw failure(e);
        } finally {
            active.decrementAndGet();
            checkMemory();
        }
    }

    private FetchResponse load(Page page, FetchRequest request, RenderRules rules, long started, long deadline) {
        Response response = page.navigate(request.url(), new Page.NavigateOptions()
                .setWaitUntil(WaitUntilState.LOAD).setTimeout(millisLeft(deadline, request)));
        if (response == null) {
            throw new FetchException(FetchFailure.CONNECTION, "the browser returned no response");
        }
        Map<String, String> headers = response.headers();
        String blocked = headers.get(GuardedProxy.BLOCKED_HEADER.toLowerCase(Locale.ROOT));
        if (blocked != null) {
            throw new FetchException(FetchFailure.BLOCKED_ADDRESS, blocked);
        }
        int status = response.status();
        String contentType = headers.get("content-type");
        Optional<Duration> retryAfter = RetryAfter.parse(headers.get("retry-after"), clock.instant());
        int redirects = 0;
        for (Request r = response.request().redirectedFrom(); r != null; r = r.redirectedFrom()) {
            redirects++;
        }
        String finalUrl = page.url();
        checkUrl(finalUrl);
        if (status >= 400 || status < 200 || !isHtml(contentType)) {
            return new FetchResponse(finalUrl, status, contentType, new byte[0], 0,
                    Duration.ofNanos(System.nanoTime() - started), retryAfter, redirects);
        }
        if (rules != null && rules.waitFor() != null) {
            page.waitForSelector(rules.waitFor(), new Page.WaitForSelectorOptions()
                    .setState(WaitForSelectorState.ATTACHED).setTimeout(millisLeft(deadline, request)));
        }
        if (rules != null && rules.waitMs() > 0) {
            page.waitForTimeout(Math.min(rules.waitMs(), millisLeft(deadline, request)));
        }
        byte[] html = page.content().getBytes(StandardCharsets.UTF_8);
        if (html.length > request.maxBytes()) {
            throw new FetchException(FetchFailure.TOO_LARGE, "rendered page exceeds " + request.maxBytes() + " bytes");
        }
        return new FetchResponse(page.url(), status, "text/html; charset=utf-8", html, html.length,
                Duration.ofNanos(System.nanoTime() - started), retryAfter, redirects);
    }

    /** The page URL must be http(s) and its host pass the guard (the proxy checks every later hop again). */
    private URI checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new FetchException(FetchFailure.BAD_URL, "malformed URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new FetchException(FetchFailure.BAD_URL, "only http and https pages are rendered: " + url);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        try {
            guard.resolve(host);
        } catch (BlockedAddressException e) {
            throw new FetchException(FetchFailure.BLOCKED_ADDRESS, e.getMessage(), e);
        } catch (UnknownHostException e) {
            throw new FetchException(FetchFailure.CONNECTION, "cannot resolve host " + host, e);
        }
        return uri;
    }

    /**
     * This thread's Playwright attached to the current browser, (re)starting the browser when needed. Worker-side:
     * a failure is a {@link FetcherUnavailableException}.
     */
    private Browser browser() {
        ChromiumProcess c = ensureChromium();
        int current = generation;
        Attached a = attached.get();
        if (a != null && (a.generation != current || !a.browser.isConnected())) {
            a.close();
            attached.remove();
            a = null;
        }
        if (a == null) {
            Playwright playwright;
            try {
                playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of(
                        "PLAYWRIGHT_NODEJS_PATH", options.nodePath(),
                        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            } catch (RuntimeException e) {
                throw new FetcherUnavailableException("cannot start the browser driver: " + brief(e), e);
            }
            try {
                a = new Attached(playwright, playwright.chromium().connectOverCDP(c.cdpEndpoint(),
                        new BrowserType.ConnectOverCDPOptions().setTimeout(options.launchTimeout().toMillis())), current);
            } catch (RuntimeException e) {
                playwright.close();
                throw new FetcherUnavailableException("cannot attach to the browser: " + brief(e), e);
            }
            attached.set(a);
        }
        return a.browser;
    }

    private synchronized ChromiumProcess ensureChromium() {
        ChromiumProcess c = chromium;
        if (c != null && c.isAlive() && !(restartWanted && active.get() <= 1)) {
            return c;
        }
        if (c != null) {
            c.kill();
            chromium = null;
        }
        try {
            // on the launcher thread: Chromium's parent-death signal fires when the thread that started it ends
            c = launcher.submit(() -> ChromiumProcess.launch(options, proxy.port())).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new FetcherUnavailableException("cannot start the browser: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetcherUnavailableException("cannot start the browser: interrupted", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new FetcherUnavailableException("cannot start the browser: the fetcher is closed", e);
        }
        proxy.refuseLocalPort(c.devtoolsPort());
        chromium = c;
        generation++;
        restartWanted = false;
        return c;
    }

    private void checkMemory() {
        ChromiumProcess c = chromium;
        if (c != null && options.memoryCap() > 0 && c.residentBytes() > options.memoryCap()) {
            restartWanted = true;
        }
    }

    private static String targetId(BrowserContext context, Page page) {
        CDPSession session = context.newCDPSession(page);
        try {
            JsonObject info = session.send("Target.getTargetInfo");
            return info.getAsJsonObject("targetInfo").get("targetId").getAsString();
        } finally {
            session.detach();
        }
    }

    /** Closes a page from outside its Playwright thread (cancellation): its navigation then fails at once. */
    private void closeTarget(String targetId) {
        ChromiumProcess c = chromium;
        if (targetId == null || c == null) {
            return;
        }
        devtools.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.devtoolsPort() + "/json/close/"
                        + targetId)).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .exceptionally(t -> null);
    }

    private static String brief(RuntimeException e) {
        String full = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ").strip();
        return full.length() > 300 ? full.substring(0, 300) : full;
    }

    private static FetchException failure(PlaywrightException e) {
        String full = e.getMessage() == null ? "browser failure" : e.getMessage().replaceAll("\\s+", " ").strip();
        String message = full.length() > 300 ? full.substring(0, 300) : full;
        if (full.contains("crash") || full.contains("Target closed") && full.contains("Page")) {
            return new FetchException(FetchFailure.CONNECTION, "the page crashed (out of memory?): " + message, e);
        }
        if (message.contains("Timeout")) {
            return new FetchException(FetchFailure.TIMEOUT, message, e);
        }
        return new FetchException(FetchFailure.CONNECTION, message, e);
    }

    private static boolean isHtml(String contentType) {
        if (contentType == null) {
            return true;
        }
        String mime = contentType.toLowerCase(Locale.ROOT);
        return mime.startsWith("text/html") || mime.startsWith("application/xhtml+xml");
    }

    private static double millisLeft(long deadline, FetchRequest request) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new FetchException(FetchFailure.TIMEOUT, "no rendered page within " + request.timeout().toMillis()
                    + " ms");
        }
        return left;
    }

    private record Attached(Playwright playwright, Browser browser, int generation) {
        void close() {
            try {
                playwright.close();
            } catch (RuntimeException ignored) {
                // the browser is gone already
            }
        }
    }
}
