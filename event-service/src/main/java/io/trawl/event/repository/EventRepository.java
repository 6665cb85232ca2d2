package io.trawl.event.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads of {@code trawl.job_events} by the primary key (job_id, seq), always in sequence order. The rows
 * become envelopes through {@link EventLog#toEnvelope}, exactly as the producers built what they published.
 */
@ApplicationScoped
public class EventRepository {

    private static final String AFTER = "SELECT seq, type, data::text AS data, created_at FROM trawl.job_events "
            + "WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
    private static final String RANGE = "SELECT seq, type, data::text AS data, created_at FROM trawl.job_events "
            + "WHERE job_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4";

    private final Pool pool;

    public EventRepository(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} events with {@code seq > after}, ascending. */
    public Uni<List<EventEnvelope>> after(UUID jobId, long after, int limit) {
        return pool.preparedQuery(AFTER).execute(Tuple.of(jobId, after, limit))
                .onItem().transform(rows -> envelopes(jobId, rows));
    }

    /** Up to {@code limit} events with {@code after < seq <= upTo}, ascending. */
    public Uni<List<EventEnvelope>> range(UUID jobId, long after, long upTo, int limit) {
        return pool.preparedQuery(RANGE).execute(Tuple.of(jobId, after, upTo, limit))
                .onItem().transform(rows -> envelopes(jobId, rows));
    }

    private static List<EventEnvelope> envelopes(UUID jobId, RowSet<Row> rows) {
        List<EventEnvelope> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(EventLog.toEnvelope(jobId, row));
        }
        return events;
    }
}
