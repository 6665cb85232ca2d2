package io.trawl.scrape.config;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.trawl.common.state.Backoff;
import io.trawl.scrape.core.fetch.FetcherOptions;
import io.trawl.guard.AddressGuard;
import io.trawl.scrape.core.fetch.HttpPageFetcher;
import io.trawl.scrape.core.fetch.PageFetcher;
import io.trawl.scrape.core.robots.RobotsCache;
import io.trawl.scrape.core.robots.RobotsOptions;
import io.trawl.scrape.service.HostFeedback;
import io.trawl.support.RetrySettings;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the plain scraper core (no CDI inside it) from the configuration. */
public class CoreProducers {

    @Produces
    @Singleton
    AddressGuard addressGuard(ScrapeConfig config) {
        return AddressGuard.of(config.fetch().allowNetworks().orElse(""));
    }

    @Produces
    @Singleton
    PageFetcher pageFetcher(Vertx vertx, ScrapeConfig config, AddressGuard guard, Clock clock) {
        ScrapeConfig.Fetch f = config.fetch();
        return new HttpPageFetcher(vertx, new FetcherOptions(f.userAgent(), f.connectTimeout(), f.readTimeout(),
                f.maxRedirects(), f.maxConnectionsPerHost()), guard, Infrastructure.getDefaultWorkerPool(), clock);
    }

    @Produces
    @Singleton
    RobotsCache robotsCache(PageFetcher fetcher, ScrapeConfig config, Clock clock, HostFeedback feedback) {
        ScrapeConfig.Robots r = config.robots();
        return new RobotsCache(fetcher, new RobotsOptions(r.agent(), r.ttl(), r.failureTtl(), r.maxBytes(), r.timeout(),
                r.cacheSize()), clock, Infrastructure.getDefaultWorkerPool(), feedback::onRobots);
    }

    @Produces
    @Singleton
    Backoff backoff(ScrapeConfig config) {
        RetrySettings retry = config.retry();
        return new Backoff(retry.backoffBase(), retry.backoffMax(), retry.backoffJitter());
    }

    void closeFetcher(@Observes ShutdownEvent event, PageFetcher fetcher) {
        fetcher.close();
    }
}
