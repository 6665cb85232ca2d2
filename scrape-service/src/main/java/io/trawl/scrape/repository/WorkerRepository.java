package io.trawl.scrape.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;

/** This pod's row in {@code trawl.workers} (job-service's {@code GET /api/v1/workers} lists them). */
@ApplicationScoped
public class WorkerRepository {

    private static final String UPSERT = "INSERT INTO trawl.workers AS w "
            + "(id, service, host, version, started_at, last_heartbeat, in_flight, stats) "
            + "VALUES ($1, $2, $3, $4, $5, now(), $6, $7::text::jsonb) "
            + "ON CONFLICT (id) DO UPDATE SET last_heartbeat = now(), in_flight = EXCLUDED.in_flight, "
            + "stats = EXCLUDED.stats";

    private static final String DELETE = "DELETE FROM trawl.workers WHERE id = $1";

    private final Pool pool;

    public WorkerRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> heartbeat(String id, String service, String host, String version, Instant startedAt,
            int inFlight, JsonObject stats) {
        return pool.preparedQuery(UPSERT)
                .execute(Tuple.from(new Object[] {id, service, host, version, startedAt.atOffset(ZoneOffset.UTC),
                        inFlight, stats.encode()}))
                .replaceWithVoid();
    }

    public Uni<Void> delete(String id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(id)).replaceWithVoid();
    }
}
