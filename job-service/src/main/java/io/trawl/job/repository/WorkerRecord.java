package io.trawl.job.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

/**
 * A row of {@code trawl.workers} (written by the scrape workers' heartbeats), with the database's clock at
 * the time it was read so staleness is judged on one clock.
 *
 * @param stats the worker's stats as JSON text (pagesPerSecond, pagesTotal, errorsTotal, heartbeatMs, ...)
 */
public record WorkerRecord(String id, String service, String host, String version, Instant startedAt,
        Instant lastHeartbeat, int inFlight, String stats, Instant readAt) {

    static final String COLUMNS = "id, service, host, version, started_at, last_heartbeat, in_flight, "
            + "stats::text AS stats, now() AS read_at";

    static WorkerRecord from(Row row) {
        return new WorkerRecord(row.getString("id"), row.getString("service"), row.getString("host"),
                row.getString("version"), JobRecord.instant(row, "started_at"), JobRecord.instant(row, "last_heartbeat"),
                row.getInteger("in_flight"), row.getString("stats"), JobRecord.instant(row, "read_at"));
    }
}
