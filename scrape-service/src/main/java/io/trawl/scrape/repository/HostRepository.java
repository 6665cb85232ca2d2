package io.trawl.scrape.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Politeness feedback into {@code trawl.hosts}, the fleet-wide per-host state the dispatcher reads. Each call
 * is its own single-statement transaction, never inside a transaction that holds a job lock (the dispatcher
 * locks host rows before job rows).
 */
@ApplicationScoped
public class HostRepository {

    private static final String CRAWL_DELAY = "INSERT INTO trawl.hosts AS h (host, crawl_delay_ms) VALUES ($1, $2) "
            + "ON CONFLICT (host) DO UPDATE SET crawl_delay_ms = EXCLUDED.crawl_delay_ms, updated_at = now() "
            + "WHERE h.crawl_delay_ms <> EXCLUDED.crawl_delay_ms";

    private static final String BACK_OFF = "INSERT INTO trawl.hosts AS h (host, backoff_until) "
            + "VALUES ($1, now() + $2::bigint * interval '1 millisecond') "
            + "ON CONFLICT (host) DO UPDATE SET backoff_until = GREATEST(COALESCE(h.backoff_until, now()), "
            + "EXCLUDED.backoff_until), updated_at = now()";

    private static final String TIMEOUT = "INSERT INTO trawl.hosts AS h (host, consecutive_timeouts) VALUES ($1, 1) "
            + "ON CONFLICT (host) DO UPDATE SET consecutive_timeouts = h.consecutive_timeouts + 1, "
            + "backoff_until = CASE WHEN h.consecutive_timeouts + 1 >= $2::int THEN GREATEST(COALESCE(h.backoff_until, now()), "
            + "now() + LEAST($4::bigint, $3::bigint * (2 ^ LEAST(h.consecutive_timeouts + 1 - $2::int, 20))::bigint) "
            + "* interval '1 millisecond') ELSE h.backoff_until END, updated_at = now() "
            + "RETURNING consecutive_timeouts";

    private static final String RESET_TIMEOUTS = "UPDATE trawl.hosts SET consecutive_timeouts = 0, updated_at = now() "
            + "WHERE host = $1 AND consecutive_timeouts > 0";

    private final Pool pool;

    public HostRepository(Pool pool) {
        this.pool = pool;
    }

    /** robots.txt Crawl-delay becomes the host's minimum dispatch spacing. */
    public Uni<Void> setCrawlDelay(String host, int delayMs) {
        return pool.preparedQuery(CRAWL_DELAY).execute(Tuple.of(host, delayMs)).replaceWithVoid();
    }

    /** Nobody dispatches to the host before now + {@code delayMs} (never shortens an existing back-off). */
    public Uni<Void> backOff(String host, long delayMs) {
        return pool.preparedQuery(BACK_OFF).execute(Tuple.of(host, delayMs)).replaceWithVoid();
    }

    /**
     * Counts a timeout; from the {@code threshold}-th in a row on, the host backs off for
     * {@code baseMs·2^(n-threshold)} capped at {@code maxMs}. Returns the consecutive count.
     */
    public Uni<Integer> recordTimeout(String host, int threshold, long baseMs, long maxMs) {
        return pool.preparedQuery(TIMEOUT).execute(Tuple.of(host, threshold, baseMs, maxMs))
                .onItem().transform(rows -> rows.iterator().next().getInteger(0));
    }

    /** A response arrived: the timeout streak is over. */
    public Uni<Void> resetTimeouts(String host) {
        return pool.preparedQuery(RESET_TIMEOUTS).execute(Tuple.of(host)).replaceWithVoid();
    }
}
