package io.trawl.scrape.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.metrics.ScrapeMetrics;
import io.trawl.scrape.repository.WorkerRepository;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * This pod's row in {@code trawl.workers}: a heartbeat every {@code trawl.worker.heartbeat-interval} with
 * in-flight count and stats (pages/s over the last interval, totals, errors, and the heartbeat interval so
 * readers can tell a stale row). Removed on a clean shutdown; a crashed pod's row goes stale.
 */
@ApplicationScoped
public class WorkerRegistry {

    private final WorkerRepository workers;
    private final WorkerIdentity identity;
    private final InFlightTasks inFlight;
    private final ScrapeMetrics metrics;
    private final ScrapeConfig config;
    private long lastPages;
    private long lastAt = System.nanoTime();

    public WorkerRegistry(WorkerRepository workers, WorkerIdentity identity, InFlightTasks inFlight,
            ScrapeMetrics metrics, ScrapeConfig config) {
        this.workers = workers;
        this.identity = identity;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.config = config;
    }

    @Scheduled(identity = "worker-heartbeat", every = "{trawl.worker.heartbeat-interval}", delay = 0,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return heartbeat().onFailure().invoke(e -> Log.debugf("worker heartbeat failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    public synchronized Uni<Void> heartbeat() {
        long now = System.nanoTime();
        long pages = metrics.pagesFetched();
        double seconds = Math.max(0.001, (now - lastAt) / 1e9);
        double rate = Math.round((pages - lastPages) / seconds * 100.0) / 100.0;
        lastPages = pages;
        lastAt = now;
        JsonObject stats = new JsonObject()
                .put("pagesPerSecond", rate)
                .put("pagesTotal", pages)
                .put("errorsTotal", metrics.errors())
                .put("concurrency", config.worker().concurrency())
                // the dispatcher bounds what it queues by the fleet's prefetch (job-service QueueBound)
                .put("prefetch", config.worker().prefetch())
                .put("heartbeatMs", config.worker().heartbeatInterval().toMillis());
        return workers.heartbeat(identity.id(), "scrape-service", identity.host(), identity.version(),
                identity.startedAt(), inFlight.size(), stats);
    }

    void unregister(@Observes @Priority(10) ShutdownEvent event) {
        try {
            workers.delete(identity.id()).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.debugf("worker row not removed: %s", e.getMessage());
        }
    }
}
