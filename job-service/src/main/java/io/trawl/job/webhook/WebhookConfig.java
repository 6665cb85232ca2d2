package io.trawl.job.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhook subscriptions and their sender ({@code trawl.webhook.*}, TRAWL_WEBHOOK_* variables). */
@ConfigMapping(prefix = "trawl.webhook")
public interface WebhookConfig {

    /** Run the webhook sender in this process (several replicas may; they never send one delivery twice at once). */
    @WithDefault("true")
    boolean enabled();

    /**
     * CIDRs webhook targets may resolve to although they are not public, e.g. {@code 10.0.0.0/8} for receivers
     * inside the cluster (TRAWL_WEBHOOK_ALLOW_NETWORKS); empty: only public addresses.
     */
    Optional<String> allowNetworks();

    /** How long one attempt may take, connect to last byte read; a 2xx within it is a success. */
    @WithDefault("15s")
    Duration timeout();

    /**
     * Delays before each retry of a failed attempt (the first attempt is immediate); after the last one the
     * delivery is marked failed. Each delay gets jitter, and a longer {@code Retry-After} wins.
     */
    @WithDefault("5s,5m,30m,2h,5h,10h,10h")
    List<Duration> retrySchedule();

    /** Jitter as a fraction of each retry delay (0.2 = ±20%). */
    @WithDefault("0.2")
    double jitter();

    /** The longest {@code Retry-After} honoured; a receiver asking for more is retried after this. */
    @WithDefault("24h")
    Duration maxRetryAfter();

    /** Pause between sender rounds when the last round found nothing to do. */
    @WithDefault("500ms")
    Duration idleInterval();

    /** Most deliveries one sender round claims and sends concurrently. */
    @WithDefault("32")
    int batchSize();

    /** Most jobs whose new events one fan-out step reads per subscription. */
    @WithDefault("200")
    int fanOutJobs();

    /** Most events per job one fan-out step turns into deliveries. */
    @WithDefault("500")
    int fanOutEvents();

    /** Most bytes of a receiver's response body read (the rest is discarded with the connection). */
    @WithDefault("16384")
    int maxResponseBytes();

    /** How long the previous secret still signs (a second signature) after {@code rotate-secret}. */
    @WithDefault("24h")
    Duration previousSecretGrace();
}
