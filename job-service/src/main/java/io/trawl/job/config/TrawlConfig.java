package io.trawl.job.config;

import io.smallrye.config.ConfigMapping;
import io.trawl.support.DbSettings;
import io.trawl.support.RabbitmqSettings;
import io.trawl.support.RetrySettings;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * job-service configuration ({@code trawl.*}; each key also reads from its TRAWL_* environment variable). The API
 * keys ({@code trawl.api-keys}, {@code trawl.admin-keys}) are web-support's ({@code ApiKeysConfig}).
 */
@ConfigMapping(prefix = "trawl")
public interface TrawlConfig {

    /** Postgres connection (TRAWL_DB_*). */
    DbSettings db();

    /** RabbitMQ connection (TRAWL_RABBITMQ_*). */
    Rabbitmq rabbitmq();

    /** REST API bounds. */
    Api api();

    /** The dispatcher that moves due pending tasks to {@code trawl.tasks}. */
    Dispatcher dispatcher();

    /** The reaper: expired leases, lost messages, job completion, progress events. */
    Reaper reaper();

    /** When a task whose lease expired is retried (the same policy as a worker's after a failed fetch). */
    RetrySettings retry();

    /** Deletion of old results and events. */
    Retention retention();

    /** The cron scheduler that fires schedules. */
    Scheduler scheduler();

    /** Feed tokens for browsers ({@code POST /api/v1/feed-tokens}, DESIGN.md §7). */
    FeedToken feedToken();

    /**
     * The event feed's public base URL as a browser reaches it (TRAWL_FEED_URL), e.g.
     * {@code https://feed.example.com}; behind an ingress that serves both services, the dashboard's own origin.
     */
    @WithDefault("http://localhost:8081")
    String feedUrl();

    interface Rabbitmq extends RabbitmqSettings {
        /** How long a publish may wait for the broker's confirm before it counts as failed. */
        @WithDefault("5s")
        Duration confirmTimeout();

        /** Delay between attempts to (re)connect when the broker is unreachable. */
        @WithDefault("2s")
        Duration reconnectInterval();
    }

    interface Api {
        /** Default page size of list endpoints. */
        @WithDefault("50")
        int defaultLimit();

        /** Largest page size a client may ask for. */
        @WithDefault("500")
        int maxLimit();
    }

    interface Dispatcher {
        /** Run the dispatcher in this process (several replicas may; they never double-dispatch). */
        @WithDefault("true")
        boolean enabled();

        /** Pause between dispatch rounds when the last round found nothing to do. */
        @WithDefault("100ms")
        Duration idleInterval();

        /** Most tasks published in one round (one transaction). */
        @WithDefault("500")
        int batchSize();

        /** Most hosts locked and served in one round. */
        @WithDefault("200")
        int hostsPerRound();

        /**
         * Ready messages {@code trawl.tasks} may hold, as a multiple of the fleet's registered prefetch (the sum
         * of every live scrape worker's {@code trawl.worker.prefetch}): one prefetch in the workers' hands, the
         * rest visible backlog for the autoscaler. The dispatcher publishes no more than the room left.
         */
        @WithDefault("2")
        int queueBoundFactor();

        /** The queue bound's floor: what may be queued while few or no workers are registered (scale from zero). */
        @WithDefault("256")
        int queueBoundMin();
    }

    interface Reaper {
        /** How often the reaper runs ("off" to disable). */
        @WithDefault("1s")
        String interval();

        /** A task queued this long without a worker claiming it is assumed lost and re-dispatched. */
        @WithDefault("10m")
        Duration queuedTimeout();

        /** A finished job is "failed" when at least this fraction of its tasks failed (1.0: only if all did). */
        @WithDefault("1.0")
        double failedRatio();

        /** Minimum time between two job.progress events of one job. */
        @WithDefault("5s")
        Duration progressInterval();

        /** Most rows one reaper step touches. */
        @WithDefault("500")
        int batchSize();
    }

    interface Scheduler {
        /** How often due schedules are fired ("off" to disable); every replica may run it. */
        @WithDefault("1s")
        String interval();

        /** Most schedules one tick handles (each in its own transaction). */
        @WithDefault("200")
        int batchSize();
    }

    interface Retention {
        /** Results and events of jobs finished longer ago than this are deleted. */
        @WithDefault("30d")
        Duration period();

        /** How often retention runs ("off" to disable). */
        @WithDefault("1h")
        String interval();

        /** Rows deleted per statement. */
        @WithDefault("5000")
        int batchSize();
    }

    interface FeedToken {
        /**
         * HMAC-SHA256 secret of feed tokens, at least 32 characters (TRAWL_FEED_TOKEN_SECRET); event-service must
         * have the same one. Unset: minting answers 503 and event-service accepts no token (dev and test profiles
         * set a default; production must set it).
         */
        Optional<String> secret();

        /** How long a minted feed token is accepted; the dashboard mints a new one before it expires. */
        @WithDefault("5m")
        Duration ttl();
    }
}
