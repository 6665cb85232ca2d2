package io.trawl.job.dispatch;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.message.Topology;
import io.trawl.job.config.TrawlConfig;
import io.trawl.job.messaging.RabbitPublisher;
import io.trawl.job.service.WorkerService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How many task messages a dispatch round may still publish: what is queued is bounded by what the fleet can
 * take. The bound is {@code queue-bound-factor × (sum of the live scrape workers' registered prefetch)}, at
 * least {@code queue-bound-min}; the room is the bound minus the messages ready in {@code trawl.tasks} (read
 * from the broker, so copies a reaper pass left behind count too). Without it, a backlog deeper than the fleet
 * sits queued past the reaper's queued-timeout, is published again every period, and the queue grows past the
 * task count. A separate step before the round, so the round itself is unchanged.
 */
@ApplicationScoped
public class QueueBound {

    /** A worker that registered no prefetch (an older version) counts with the default one. */
    static final int DEFAULT_PREFETCH = 32;

    // live = heartbeat younger than MISSED_HEARTBEATS of the worker's own interval (as GET /workers judges it)
    private static final String FLEET_PREFETCH = "SELECT COALESCE(sum(CASE WHEN w.stats->>'prefetch' ~ '^[0-9]{1,6}$' "
            + "THEN (w.stats->>'prefetch')::int ELSE $1 END), 0)::int FROM trawl.workers w "
            + "WHERE w.service = 'scrape-service' AND w.last_heartbeat > now() - $2::int * interval '1 millisecond' * "
            + "(CASE WHEN w.stats->>'heartbeatMs' ~ '^[0-9]{1,9}$' AND (w.stats->>'heartbeatMs')::bigint > 0 "
            + "THEN (w.stats->>'heartbeatMs')::bigint ELSE $3 END)";

    private final Pool pool;
    private final RabbitPublisher publisher;
    private final TrawlConfig.Dispatcher config;

    public QueueBound(Pool pool, RabbitPublisher publisher, TrawlConfig config) {
        this.pool = pool;
        this.publisher = publisher;
        this.config = config.dispatcher();
    }

    /** Pure: the bound for a fleet whose live workers registered {@code fleetPrefetch} in total. */
    static long bound(long fleetPrefetch, int factor, int min) {
        return Math.max(min, (long) factor * fleetPrefetch);
    }

    /** Pure: the room left under {@code bound} with {@code ready} messages waiting. */
    static int room(long bound, long ready) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, bound - ready));
    }

    /** The bound now (from the workers table). */
    public Uni<Long> bound() {
        return pool.preparedQuery(FLEET_PREFETCH)
                .execute(Tuple.of(DEFAULT_PREFETCH, WorkerService.MISSED_HEARTBEATS,
                        WorkerService.DEFAULT_HEARTBEAT.toMillis()))
                .onItem().transform(rows -> bound(rows.iterator().next().getInteger(0), config.queueBoundFactor(),
                        config.queueBoundMin()));
    }

    /** Messages the next round may publish; 0 when the queue is full or its depth cannot be read. */
    public Uni<Integer> room() {
        return bound().chain(bound -> publisher.readyMessages(Topology.TASKS_QUEUE)
                .onItem().transform(ready -> {
                    int room = room(bound, ready);
                    if (room == 0) {
                        Log.debugf("trawl.tasks holds %d ready messages (bound %d): nothing dispatched", ready, bound);
                    }
                    return room;
                }))
                .onFailure().recoverWithItem(failure -> {
                    Log.debugf("queue bound unknown (%s): nothing dispatched this round", failure.getMessage());
                    return 0;
                });
    }
}
