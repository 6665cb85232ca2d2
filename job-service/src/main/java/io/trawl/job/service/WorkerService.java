package io.trawl.job.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.trawl.job.repository.WorkerRecord;
import io.trawl.job.repository.WorkerRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * The scrape fleet as {@code GET /api/v1/workers} shows it. A worker is stale when its last heartbeat is older
 * than {@link #MISSED_HEARTBEATS} of its own heartbeat intervals (it reports the interval in its stats as
 * {@code heartbeatMs}; {@link #DEFAULT_HEARTBEAT} when it does not) — judged on the database clock.
 */
@ApplicationScoped
public class WorkerService {

    public static final int MISSED_HEARTBEATS = 3;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    /** A worker with its staleness decided. */
    public record Worker(WorkerRecord record, JsonNode stats, long heartbeatAgeMs, boolean stale) {
    }

    private final WorkerRepository workers;

    public WorkerService(WorkerRepository workers) {
        this.workers = workers;
    }

    public Uni<List<Worker>> list() {
        return workers.list().onItem().transform(rows -> rows.stream().map(WorkerService::judge).toList());
    }

    static Worker judge(WorkerRecord row) {
        JsonNode stats = parse(row.stats());
        long interval = stats.path("heartbeatMs").canConvertToLong() && stats.path("heartbeatMs").asLong() > 0
                ? stats.path("heartbeatMs").asLong() : DEFAULT_HEARTBEAT.toMillis();
        long age = Math.max(0, Duration.between(row.lastHeartbeat(), row.readAt()).toMillis());
        return new Worker(row, stats, age, isStale(age, interval));
    }

    /** Pure: a heartbeat {@code ageMs} old is stale for a worker that beats every {@code intervalMs}. */
    public static boolean isStale(long ageMs, long intervalMs) {
        return ageMs > MISSED_HEARTBEATS * intervalMs;
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? WireJson.MAPPER.createObjectNode() : WireJson.tree(json);
        } catch (IllegalArgumentException e) {
            return WireJson.MAPPER.createObjectNode();
        }
    }
}
