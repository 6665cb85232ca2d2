package io.trawl.scrape.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trawl.scrape.service.InFlightTasks;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's Prometheus metrics (names as exported):
 * <ul>
 * <li>{@code trawl_scrape_pages_total{outcome}} — succeeded, retrying, failed, cancelled, abandoned</li>
 * <li>{@code trawl_scrape_fetch_duration_seconds} — fetch latency histogram (tag result: ok, http-error,
 * or the failure kind)</li>
 * <li>{@code trawl_scrape_fetch_bytes_total} — response body bytes received</li>
 * <li>{@code trawl_scrape_items_total} — items stored</li>
 * <li>{@code trawl_scrape_in_flight} — tasks being processed by this pod</li>
 * <li>{@code trawl_scrape_queue_wait_seconds} — dispatch-to-claim wait of a task</li>
 * <li>{@code trawl_scrape_host_backoff_seconds{reason}} — per-host waits imposed on the fleet (retry-after,
 * timeouts, crawl-delay)</li>
 * <li>{@code trawl_scrape_messages_total{result}} — task messages that did not start a fetch (skipped, poison)</li>
 * <li>{@code trawl_scrape_dead_letters_total{identified}} — dead-lettered messages handled</li>
 * </ul>
 * The counters also feed the worker row's stats (pages/s, errors).
 */
@ApplicationScoped
public class ScrapeMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> pages = new ConcurrentHashMap<>();
    private final Map<String, Timer> fetches = new ConcurrentHashMap<>();
    private final Map<String, Counter> messages = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> backoffs = new ConcurrentHashMap<>();
    private final Counter bytes;
    private final Counter items;
    private final Timer queueWait;
    private final AtomicLong pagesFetched = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public ScrapeMetrics(MeterRegistry registry, InFlightTasks inFlight) {
        this.registry = registry;
        this.bytes = Counter.builder("trawl.scrape.fetch.bytes").baseUnit("bytes")
                .description("Response body bytes received").register(registry);
        this.items = Counter.builder("trawl.scrape.items").description("Items stored").register(registry);
        this.queueWait = Timer.builder("trawl.scrape.queue.wait")
                .description("Time from dispatch (queued) to claim").publishPercentileHistogram().register(registry);
        Gauge.builder("trawl.scrape.in.flight", inFlight, InFlightTasks::size)
                .description("Tasks being processed by this pod").register(registry);
    }

    public void page(String outcome) {
        pages.computeIfAbsent(outcome, o -> Counter.builder("trawl.scrape.pages").tag("outcome", o)
                .description("Pages processed, by outcome").register(registry)).increment();
        if (!outcome.equals("cancelled") && !outcome.equals("abandoned")) {
            pagesFetched.incrementAndGet();
        }
        if (outcome.equals("retrying") || outcome.equals("failed")) {
            errors.incrementAndGet();
        }
    }

    public void fetch(String result, Duration elapsed, long bodyBytes) {
        fetches.computeIfAbsent(result, r -> Timer.builder("trawl.scrape.fetch.duration").tag("result", r)
                .description("Fetch latency").publishPercentileHistogram().register(registry)).record(elapsed);
        bytes.increment(bodyBytes);
    }

    public void items(int n) {
        items.increment(n);
    }

    public void queueWait(Duration wait) {
        if (!wait.isNegative()) {
            queueWait.record(wait);
        }
    }

    public void message(String result) {
        messages.computeIfAbsent(result, r -> Counter.builder("trawl.scrape.messages").tag("result", r)
                .description("Task messages that started no fetch").register(registry)).increment();
    }

    public void deadLetter(boolean identified) {
        Counter.builder("trawl.scrape.dead.letters").tag("identified", Boolean.toString(identified))
                .description("Dead-lettered task messages handled").register(registry).increment();
    }

    public void hostBackoff(String reason, Duration wait) {
        backoffs.computeIfAbsent(reason, r -> DistributionSummary.builder("trawl.scrape.host.backoff")
                .baseUnit("seconds").tag("reason", r).description("Per-host waits imposed on the whole fleet")
                .register(registry)).record(wait.toMillis() / 1000.0);
    }

    /** Pages fetched (any outcome but cancelled) since start. */
    public long pagesFetched() {
        return pagesFetched.get();
    }

    /** Failed attempts (retrying or failed) since start. */
    public long errors() {
        return errors.get();
    }
}
