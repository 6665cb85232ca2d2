package io.trawl.scrape.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.trawl.scrape.config.BrowserConfig;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.core.browser.BrowserOptions;
import io.trawl.scrape.core.browser.BrowserPageFetcher;
import io.trawl.scrape.core.fetch.PageFetcher;
import io.trawl.guard.AddressGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The browser fetcher of a worker started with {@code trawl.browser.enabled}; none otherwise. */
@ApplicationScoped
public class BrowserRendering {

    private final BrowserConfig config;
    private final ScrapeConfig scrape;
    private final AddressGuard guard;
    private final Clock clock;
    private volatile BrowserPageFetcher fetcher;

    public BrowserRendering(BrowserConfig config, ScrapeConfig scrape, AddressGuard guard, Clock clock) {
        this.config = config;
        this.scrape = scrape;
        this.guard = guard;
        this.clock = clock;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The browser fetcher (its proxy started on first use, Chromium on the first page); empty when disabled. */
    public synchronized Optional<PageFetcher> fetcher() {
        if (!config.enabled()) {
            return Optional.empty();
        }
        if (fetcher == null) {
            try {
                fetcher = new BrowserPageFetcher(new BrowserOptions(config.executablePath(), config.nodePath(),
                        config.contexts(), scrape.fetch().userAgent(), config.jsHeapMb(),
                        config.memoryCapMb() * 1024L * 1024L, Duration.ofSeconds(30), config.noSandbox()), guard, clock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the browser's guarded proxy", e);
            }
            Log.infof("browser rendering: %s, %d contexts", config.executablePath(), config.contexts());
        }
        return Optional.of(fetcher);
    }

    /**
     * Starts the browser and attaches every context before the first page ({@link BrowserPageFetcher#warmUp()});
     * completes at once when browser rendering is off.
     */
    public CompletableFuture<Void> warmUp() {
        if (!config.enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        long started = System.nanoTime();
        fetcher();
        return fetcher.warmUp().thenRun(() -> Log.infof(
                "browser ready: %d contexts attached in %d ms", config.contexts(),
                (System.nanoTime() - started) / 1_000_000));
    }

    void close(@Observes ShutdownEvent event) {
        BrowserPageFetcher f = fetcher;
        if (f != null) {
            f.close();
        }
    }
}
