package io.trawl.scrape.config;

import io.smallrye.config.ConfigMapping;
import io.trawl.support.DbSettings;
import io.trawl.support.RabbitmqSettings;
import io.trawl.support.RetrySettings;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * scrape-service configuration ({@code trawl.*}; each key also reads from its environment variable, e.g.
 * {@code trawl.fetch.allow-networks} from TRAWL_FETCH_ALLOW_NETWORKS).
 */
@ConfigMapping(prefix = "trawl")
public interface ScrapeConfig {

    /** Postgres connection (TRAWL_DB_*); mapped onto quarkus.datasource.* in application.properties. */
    DbSettings db();

    /** RabbitMQ connection (TRAWL_RABBITMQ_*); mapped onto the connector's rabbitmq-* settings. */
    RabbitmqSettings rabbitmq();

    /** The worker loop: concurrency, leases, retries. */
    Worker worker();

    /** When a failed fetch is retried (the same policy as the reaper's after an expired lease). */
    RetrySettings retry();

    /** HTTP fetching and the address guard. */
    Fetch fetch();

    /** robots.txt handling. */
    Robots robots();

    /** Politeness feedback into the fleet-wide host table. */
    Politeness politeness();

    interface Worker {
        /**
         * Tasks processed at once by this pod (fetches in flight). 64, the largest per-host concurrency a job
         * may ask for: one pod can then serve one fast host alone (docs/performance.md).
         */
        @WithDefault("64")
        int concurrency();

        /**
         * Unacknowledged task messages the broker hands this pod (basic.qos); keep it at or above
         * {@link #concurrency()} so a slot never waits for the broker, and at most 256 (a larger prefetch only
         * hides backlog from the autoscaler). The dispatcher bounds what it queues by the fleet's registered
         * prefetch. Applied as the basic.qos of the task consumer's channel.
         */
        @WithDefault("64")
        int prefetch();

        /** How long a claimed task's lease lasts without renewal; a dead worker's tasks are reaped after it. */
        @WithDefault("30s")
        Duration lease();

        /** How often a running task's lease is renewed (well under {@link #lease()}). */
        @WithDefault("10s")
        Duration leaseRenewInterval();

        /**
         * How long a claim or outcome write keeps retrying while Postgres is unreachable before the message is
         * dropped (the reaper re-dispatches the task from Postgres).
         */
        @WithDefault("2m")
        Duration dbRetryTimeout();

        /** How often this pod's row in trawl.workers is refreshed. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** On shutdown, how long in-flight tasks may take to hand their work back before the pod exits. */
        @WithDefault("10s")
        Duration shutdownGrace();

        /**
         * Bytes of page bodies this pod may have in flight: each fetch reserves its job's {@code limits.maxBytes}
         * (at most all of it) until its page is parsed, so a few huge pages wait for each other instead of
         * exhausting the heap. Keep it well below the heap (a parsed DOM is several times its body).
         */
        @WithDefault("134217728")
        long bodyBudget();

        /** Parsed job specs kept in memory (a spec never changes, so the cache is exact). */
        @WithDefault("1000")
        int specCacheSize();
    }

    interface Fetch {
        /** User-Agent header sent with every request. */
        @WithDefault("TrawlBot/0.1 (+https://github.com/trawl/trawl)")
        String userAgent();

        /**
         * Networks (comma-separated CIDRs) the address guard lets through although they are loopback, private,
         * link-local etc. (TRAWL_FETCH_ALLOW_NETWORKS). Unset: none, every non-public address is refused.
         */
        Optional<String> allowNetworks();

        /** TCP (and TLS) connect timeout per request. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest wait for the next bytes of a response (the job's timeoutMs bounds the whole fetch). */
        @WithDefault("10s")
        Duration readTimeout();

        /** Redirect hops followed per fetch. */
        @WithDefault("5")
        int maxRedirects();

        /** Pooled connections per server address (as many as the worker's concurrency, so fetches never queue for one). */
        @WithDefault("64")
        int maxConnectionsPerHost();
    }

    interface Robots {
        /** Product token matched against robots.txt User-agent lines. */
        @WithDefault("trawlbot")
        String agent();

        /** How long fetched rules are cached per origin. */
        @WithDefault("1h")
        Duration ttl();

        /** How long an unreachable robots.txt (5xx, timeout) defers its origin's pages before asking again. */
        @WithDefault("1m")
        Duration failureTtl();

        /** Largest robots.txt read, in bytes. */
        @WithDefault("524288")
        long maxBytes();

        /** Total time allowed for fetching robots.txt. */
        @WithDefault("10s")
        Duration timeout();

        /** Origins kept in the cache. */
        @WithDefault("10000")
        int cacheSize();

        /** Crawl-delay values above this are capped before they become fleet-wide host spacing. */
        @WithDefault("60s")
        Duration maxCrawlDelay();
    }

    interface Politeness {
        /** Consecutive timeouts of one host after which the whole fleet backs off from it. */
        @WithDefault("3")
        int timeoutThreshold();

        /** First back-off after the threshold is reached (doubled per further timeout). */
        @WithDefault("30s")
        Duration timeoutBackoff();

        /** Longest back-off from repeated timeouts. */
        @WithDefault("10m")
        Duration timeoutBackoffMax();

        /** Retry-After values above this are capped. */
        @WithDefault("1h")
        Duration maxRetryAfter();

        /** Host back-off after a 429 without a (valid) Retry-After. */
        @WithDefault("30s")
        Duration defaultTooManyRequestsBackoff();
    }
}
