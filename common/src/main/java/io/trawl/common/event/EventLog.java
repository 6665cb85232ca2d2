package io.trawl.common.event;

import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Appends events to a job's log inside the caller's transaction: the one way every producer numbers its
 * events (DESIGN.md §2). The sequence numbers come from {@code UPDATE jobs SET event_seq = event_seq + n
 * ... RETURNING event_seq}: the job row stays locked until the caller commits, so per-job numbers are
 * gapless and in commit order. Publishing happens after commit and is the caller's business.
 */
public final class EventLog {

    private static final String RESERVE =
            "UPDATE trawl.jobs SET event_seq = event_seq + $2 WHERE id = $1 RETURNING event_seq";
    private static final String INSERT =
            "INSERT INTO trawl.job_events (job_id, seq, type, data, created_at) "
                    + "SELECT $1, x.seq, x.type, x.data::jsonb, clock_timestamp() "
                    + "FROM unnest($2::bigint[], $3::text[], $4::text[]) AS x(seq, type, data) "
                    + "RETURNING seq, type, data::text AS data, created_at";

    private EventLog() {
    }

    /** Appends one event; see {@link #append(SqlConnection, UUID, List)}. */
    public static Uni<List<EventEnvelope>> append(SqlConnection tx, UUID jobId, NewEvent event) {
        return append(tx, jobId, List.of(event));
    }

    /**
     * Appends {@code events} (in order, consecutive numbers) to job {@code jobId}. Must run inside a
     * transaction on {@code tx}. Fails with {@link IllegalStateException} when the job does not exist.
     *
     * @return the stored envelopes, exactly as every reader will see them
     */
    public static Uni<List<EventEnvelope>> append(SqlConnection tx, UUID jobId, List<NewEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = events.size();
        return tx.preparedQuery(RESERVE).execute(Tuple.of(jobId, n))
                .onItem().transformToUni(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().failure(new IllegalStateException("no job " + jobId));
                    }
                    long last = rows.iterator().next().getLong(0);
                    Long[] seqs = new Long[n];
                    String[] types = new String[n];
                    String[] data = new String[n];
                    for (int i = 0; i < n; i++) {
                        seqs[i] = last - n + 1 + i;
                        types[i] = events.get(i).type().wire();
                        data[i] = WireJson.encodeString(events.get(i).data());
                    }
                    return tx.preparedQuery(INSERT).execute(Tuple.of(jobId, seqs, types, data));
                })
                .onItem().transform(rows -> {
                    List<EventEnvelope> stored = new ArrayList<>(n);
                    for (Row row : rows) {
                        stored.add(toEnvelope(jobId, row));
                    }
                    stored.sort(Comparator.comparingLong(EventEnvelope::seq));
                    return stored;
                });
    }

    /** Maps a {@code job_events} row (seq, type, data as text, created_at) to its envelope. */
    public static EventEnvelope toEnvelope(UUID jobId, Row row) {
        return new EventEnvelope(jobId, row.getLong("seq"), row.getString("type"),
                row.getOffsetDateTime("created_at").toInstant(), WireJson.tree(row.getString("data")));
    }
}
