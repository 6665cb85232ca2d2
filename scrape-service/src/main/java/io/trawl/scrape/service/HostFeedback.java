package io.trawl.scrape.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.core.robots.RobotsRules;
import io.trawl.scrape.metrics.ScrapeMetrics;
import io.trawl.scrape.repository.HostRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns what a worker learns about a host into fleet-wide politeness state ({@code trawl.hosts}): robots
 * Crawl-delay becomes the host's dispatch spacing, a 429/503 Retry-After a back-off, repeated timeouts an
 * exponential back-off. Each write is its own short transaction after the task's outcome committed; it is
 * best effort (a lost write only makes one host less polite for a moment) and never fails a task.
 */
@ApplicationScoped
public class HostFeedback {

    private final HostRepository hosts;
    private final ScrapeMetrics metrics;
    private final ScrapeConfig config;

    public HostFeedback(HostRepository hosts, ScrapeMetrics metrics, ScrapeConfig config) {
        this.hosts = hosts;
        this.metrics = metrics;
        this.config = config;
    }

    /** A freshly fetched robots.txt: store its Crawl-delay (capped; 0 when it sets none). */
    public void onRobots(URI origin, RobotsRules rules) {
        CanonicalUrl.of(origin + "/").ifPresent(url -> {
            long delay = Math.min(rules.crawlDelayMs(), config.robots().maxCrawlDelay().toMillis());
            if (delay > 0) {
                metrics.hostBackoff("crawl-delay", Duration.ofMillis(delay));
            }
            run(hosts.setCrawlDelay(url.hostKey(), (int) delay), "crawl delay of " + url.hostKey());
        });
    }

    /** The host answered (any status): its timeout streak ends. */
    public void answered(String host) {
        run(hosts.resetTimeouts(host), "timeout reset of " + host);
    }

    /** 429 or 503: back off the whole fleet for Retry-After (capped), or the default for a bare 429. */
    public void tooBusy(String host, int status, Optional<Duration> retryAfter) {
        Optional<Duration> wait = retryAfter.map(d -> d.compareTo(config.politeness().maxRetryAfter()) > 0
                ? config.politeness().maxRetryAfter() : d);
        if (wait.isEmpty() && status == 429) {
            wait = Optional.of(config.politeness().defaultTooManyRequestsBackoff());
        }
        wait.filter(d -> !d.isZero()).ifPresent(d -> {
            metrics.hostBackoff("retry-after", d);
            run(hosts.backOff(host, d.toMillis()), "back-off of " + host);
        });
        run(hosts.resetTimeouts(host), "timeout reset of " + host);
    }

    /** A fetch timed out: counts toward the host's timeout streak. */
    public void timedOut(String host) {
        ScrapeConfig.Politeness p = config.politeness();
        run(hosts.recordTimeout(host, p.timeoutThreshold(), p.timeoutBackoff().toMillis(), p.timeoutBackoffMax().toMillis())
                .invoke(n -> {
                    if (n >= p.timeoutThreshold()) {
                        long ms = Math.min(p.timeoutBackoffMax().toMillis(),
                                p.timeoutBackoff().toMillis() << Math.min(20, n - p.timeoutThreshold()));
                        metrics.hostBackoff("timeouts", Duration.ofMillis(ms));
                        Log.infof("host %s timed out %d times in a row; the fleet backs off for %d ms", host, n, ms);
                    }
                }).replaceWithVoid(), "timeout count of " + host);
    }

    private static void run(Uni<Void> write, String what) {
        write.subscribe().with(ok -> {
        }, failure -> Log.debugf("politeness feedback (%s) not stored: %s", what, failure.getMessage()));
    }
}
