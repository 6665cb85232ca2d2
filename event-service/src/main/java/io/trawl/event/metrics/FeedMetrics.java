package io.trawl.event.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trawl.event.feed.Surface;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The feed's meters: connected subscribers, events delivered (a counter: Prometheus derives the rate),
 * Postgres replay reads, resyncs, gap heals, events held in subscriber buffers, and two lags from an event's
 * commit time: to its arrival from RabbitMQ and to its send (the difference is this service's own share).
 */
@Startup // the meters exist from boot, before the first subscriber connects
@ApplicationScoped
public class FeedMetrics {

    private final Map<Surface, AtomicInteger> subscribers = new EnumMap<>(Surface.class);
    private final Map<Surface, Counter> delivered = new EnumMap<>(Surface.class);
    private final Map<Surface, Counter> resyncs = new EnumMap<>(Surface.class);
    private final Counter feedReads;
    private final Counter restReads;
    private final Counter gapHeals;
    private final Counter tailHeals;
    private final Counter malformed;
    private final Timer lag;
    private final Timer arrivalLag;
    private final AtomicLong buffered = new AtomicLong();
    private final Clock clock;

    public FeedMetrics(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        for (Surface surface : Surface.values()) {
            AtomicInteger count = new AtomicInteger();
            subscribers.put(surface, count);
            Gauge.builder("trawl.feed.subscribers", count, AtomicInteger::get)
                    .description("Connected subscribers").tag("surface", surface.tag()).register(registry);
            delivered.put(surface, Counter.builder("trawl.feed.events.delivered")
                    .description("Events handed to subscribers").tag("surface", surface.tag()).register(registry));
            resyncs.put(surface, Counter.builder("trawl.feed.resyncs")
                    .description("Subscribers closed with a resync because they fell behind")
                    .tag("surface", surface.tag()).register(registry));
        }
        this.feedReads = Counter.builder("trawl.feed.replay.reads").tag("source", "feed")
                .description("Postgres reads of event history").register(registry);
        this.restReads = Counter.builder("trawl.feed.replay.reads").tag("source", "rest")
                .description("Postgres reads of event history").register(registry);
        this.gapHeals = Counter.builder("trawl.feed.gap.heals").tag("cause", "gap")
                .description("Postgres reads that filled a gap in the events received from RabbitMQ")
                .register(registry);
        this.tailHeals = Counter.builder("trawl.feed.gap.heals").tag("cause", "tail")
                .description("Postgres reads that filled a gap in the events received from RabbitMQ")
                .register(registry);
        this.malformed = Counter.builder("trawl.feed.malformed")
                .description("Messages on trawl.events that are not event envelopes").register(registry);
        this.lag = Timer.builder("trawl.feed.lag")
                .description("From an event's commit (its time) to its send to a live subscriber")
                .publishPercentileHistogram()
                .register(registry);
        this.arrivalLag = Timer.builder("trawl.feed.arrival.lag")
                .description("From an event's commit (its time) to its arrival here from RabbitMQ")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("trawl.feed.buffered", buffered, AtomicLong::get)
                .description("Live events waiting in subscriber buffers").register(registry);
    }

    public void connected(Surface surface) {
        subscribers.get(surface).incrementAndGet();
    }

    public void disconnected(Surface surface) {
        subscribers.get(surface).decrementAndGet();
    }

    public int subscribers(Surface surface) {
        return subscribers.get(surface).get();
    }

    public void delivered(Surface surface, int events) {
        delivered.get(surface).increment(events);
    }

    /** A live send of an event committed at {@code time}. */
    public void sentLive(Instant time) {
        recordSince(lag, time);
    }

    /** An event committed at {@code time} consumed from RabbitMQ (watched here or not). */
    public void arrived(Instant time) {
        if (time != null) {
            recordSince(arrivalLag, time);
        }
    }

    /** Records the time from {@code committed} to now (never negative: the clocks of two hosts may differ). */
    private void recordSince(Timer timer, Instant committed) {
        timer.record(Math.max(0, clock.millis() - committed.toEpochMilli()), TimeUnit.MILLISECONDS);
    }

    public void resync(Surface surface) {
        resyncs.get(surface).increment();
    }

    public void feedRead() {
        feedReads.increment();
    }

    public void restRead() {
        restReads.increment();
    }

    public void gapHeal(boolean tail) {
        (tail ? tailHeals : gapHeals).increment();
    }

    public void malformed() {
        malformed.increment();
    }

    /** Adjusts the number of events held in subscriber buffers. */
    public void buffered(long delta) {
        if (delta != 0) {
            buffered.addAndGet(delta);
        }
    }

    public long buffered() {
        return buffered.get();
    }
}
