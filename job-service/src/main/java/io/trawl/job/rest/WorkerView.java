package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.trawl.job.service.WorkerService;
import java.time.Instant;

/** One scrape worker as the API shows it. {@code status} is {@code active} or {@code stale}. */
@RegisterForReflection
@JsonPropertyOrder({"id", "service", "host", "version", "status", "stale", "startedAt", "lastHeartbeat",
        "heartbeatAgeMs", "inFlight", "stats"})
public record WorkerView(String id, String service, String host, String version, String status, boolean stale,
        Instant startedAt, Instant lastHeartbeat, long heartbeatAgeMs, int inFlight, JsonNode stats) {

    static WorkerView of(WorkerService.Worker w) {
        var r = w.record();
        return new WorkerView(r.id(), r.service(), r.host(), r.version(), w.stale() ? "stale" : "active", w.stale(),
                r.startedAt(), r.lastHeartbeat(), w.heartbeatAgeMs(), r.inFlight(), w.stats());
    }
}
