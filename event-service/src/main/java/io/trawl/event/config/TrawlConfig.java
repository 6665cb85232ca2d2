package io.trawl.event.config;

import io.smallrye.config.ConfigMapping;
import io.trawl.support.DbSettings;
import io.trawl.support.RabbitmqSettings;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * event-service configuration ({@code trawl.*}; each key also reads from its TRAWL_* environment variable). The API
 * keys ({@code trawl.api-keys}, {@code trawl.admin-keys}) are web-support's ({@code ApiKeysConfig}).
 */
@ConfigMapping(prefix = "trawl")
public interface TrawlConfig {

    /** Postgres connection (TRAWL_DB_*); read only: event-service never writes. */
    DbSettings db();

    /** RabbitMQ connection (TRAWL_RABBITMQ_*). */
    Rabbitmq rabbitmq();

    /** REST replay bounds. */
    Api api();

    /** Delivery to subscribers: buffers, replay batches, gap healing. */
    Feed feed();

    /** WebSocket surface. */
    Websocket websocket();

    /** Feed tokens minted by job-service for browsers (DESIGN.md §7). */
    FeedToken feedToken();

    interface FeedToken {
        /**
         * HMAC-SHA256 secret of feed tokens, at least 32 characters (TRAWL_FEED_TOKEN_SECRET), the same as
         * job-service's. Unset: no feed token is accepted (API keys still are); the dev and test profiles set one.
         */
        Optional<String> secret();
    }

    interface Rabbitmq extends RabbitmqSettings {
        /**
         * Most events this replica's own queue holds before the broker drops the oldest (they are in Postgres and
         * are healed from there), so a stalled replica cannot grow the broker's memory.
         */
        @WithDefault("100000")
        int queueMaxLength();
    }

    interface Api {
        /** Events per page of {@code GET /api/v1/jobs/{id}/events} when no limit is given. */
        @WithDefault("100")
        int defaultLimit();

        /** Largest page a client may ask for. */
        @WithDefault("1000")
        int maxLimit();
    }

    interface Feed {
        /**
         * Live events one subscriber may have waiting to be sent. A subscriber that falls further behind gets
         * {@code {"type":"resync","after":<last seq sent>}} and is closed; this bounds the memory per connection.
         */
        @WithDefault("2048")
        int bufferSize();

        /** Events handed to one connection before waiting for the socket to take them (in-flight bound). */
        @WithDefault("64")
        int sendBatch();

        /** Rows per Postgres read when replaying history or catching up. */
        @WithDefault("500")
        int replayBatch();

        /**
         * How often the committed end of every watched job is compared with what was delivered, so an event whose
         * publish to RabbitMQ was lost is delivered even when no later event arrives to reveal the gap.
         */
        @WithDefault("5s")
        Duration tailCheckInterval();

        /**
         * How long a job's stream waits for events missing before ones that arrived, before it reads them from
         * Postgres. One job's events are committed in turn but published from several threads and processes, so
         * RabbitMQ delivers some a few milliseconds out of order. Either way the broker and the read race:
         * events that arrive while the read runs are held and delivered as soon as they are next, and of the
         * read's rows only those still missing are delivered. 0 (the default) reads at once, which is the lowest
         * latency; a few milliseconds save most reads where many workers and replicas make out-of-order arrivals
         * the rule.
         */
        @WithDefault("0ms")
        Duration gapWait();

        /** Delay before a failed Postgres read (gap heal, catch-up) is tried again. */
        @WithDefault("1s")
        Duration retryDelay();

        /** A job followed only by tenant firehoses is forgotten after this long without events. */
        @WithDefault("2m")
        Duration idleJobTimeout();

        /** Jobs whose tenant is remembered for firehose routing (an LRU cache; tenants never change). */
        @WithDefault("10000")
        int tenantCacheSize();

        /** Interval of SSE heartbeat comments (WebSocket pings use {@code trawl.websocket.ping-interval}). */
        @WithDefault("20s")
        Duration sseHeartbeat();
    }

    interface Websocket {
        /**
         * Browser origins allowed to open a WebSocket ({@code Origin} header) and to call the REST replay and SSE
         * stream cross-origin (CORS), e.g. {@code https://dash.example.com,http://localhost:*}
         * (TRAWL_WEBSOCKET_ALLOWED_ORIGINS); {@code *} allows any. The dashboard's origin (job-service's public
         * URL) belongs here. Requests without an {@code Origin} header (non-browser clients) are not affected.
         * Empty: no browser origin is allowed.
         */
        Optional<List<String>> allowedOrigins();

        /** Heartbeat ping interval (mapped to quarkus.websockets-next.server.auto-ping-interval). */
        @WithDefault("20s")
        Duration pingInterval();

        /**
         * Largest message a client may send, in bytes (clients have nothing to send but pongs); a larger one
         * closes the connection with 1009.
         */
        @WithDefault("4096")
        int maxClientMessage();
    }
}
