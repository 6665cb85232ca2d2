package io.trawl.job.reaper;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.job.config.TrawlConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Deletes the items and events of jobs finished longer ago than the retention period, in small batches so
 * no statement holds locks for long; the job row stays (with {@code purged_at}) so its status remains.
 */
@ApplicationScoped
public class RetentionCleaner {

    private final ReaperRepository repository;
    private final TrawlConfig.Retention config;

    public RetentionCleaner(ReaperRepository repository, TrawlConfig config) {
        this.repository = repository;
        this.config = config.retention();
    }

    @Scheduled(identity = "retention", every = "{trawl.retention.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeOnce().onFailure().invoke(e -> Log.warnf("retention round failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges up to 100 expired jobs; returns how many. */
    public Uni<Integer> purgeOnce() {
        return repository.jobsPastRetention(config.period(), 100)
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> purge(id))
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    /**
     * Marks the job purged under its row lock after re-checking it is still finished past retention (a retry
     * that committed first wins; one that comes later is refused because the job is purged), then deletes in
     * batches; an interrupted purge is resumed by the next round ({@code purge_pending}).
     */
    private Uni<Integer> purge(UUID jobId) {
        return repository.startPurge(jobId, config.period()).chain(started -> !started
                ? Uni.createFrom().item(0).invoke(() -> Log.debugf("job %s is no longer past retention", jobId))
                : drain(() -> repository.deleteItems(jobId, config.batchSize()))
                        .chain(() -> drain(() -> repository.deleteEvents(jobId, config.batchSize())))
                        .chain(() -> repository.markPurged(jobId))
                        .invoke(() -> Log.debugf("purged results and events of job %s", jobId)).replaceWith(1));
    }

    private Uni<Void> drain(java.util.function.Supplier<Uni<Integer>> batch) {
        return batch.get().chain(n -> n > 0 ? drain(batch) : Uni.createFrom().voidItem());
    }
}
