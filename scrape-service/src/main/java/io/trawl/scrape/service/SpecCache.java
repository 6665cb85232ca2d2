package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.repository.TaskRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Job specs read from {@code jobs.spec} and compiled once per job per pod. Exact, not a guess: a stored spec
 * never changes. Bounded (least recently used out); a failed load is not cached.
 */
@ApplicationScoped
public class SpecCache {

    private final TaskRepository tasks;
    private final Map<UUID, CompletableFuture<JobRules>> cache;

    public SpecCache(TaskRepository tasks, ScrapeConfig config) {
        this.tasks = tasks;
        int max = config.worker().specCacheSize();
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, CompletableFuture<JobRules>> eldest) {
                return size() > max;
            }
        };
    }

    /** The job's rules; fails with {@link NoSuchElementException} if the job is gone, or the parser's error. */
    public Uni<JobRules> rulesOf(UUID jobId) {
        CompletableFuture<JobRules> future;
        boolean owner = false;
        synchronized (cache) {
            future = cache.get(jobId);
            if (future == null) {
                future = new CompletableFuture<>();
                cache.put(jobId, future);
                owner = true;
            }
        }
        if (owner) {
            CompletableFuture<JobRules> target = future;
            tasks.specOf(jobId)
                    .onItem().transform(spec -> JobRules.of(JobSpecParser.parseStored(
                            spec.orElseThrow(() -> new NoSuchElementException("no job " + jobId)))))
                    .subscribe().with(target::complete, failure -> {
                        synchronized (cache) {
                            cache.remove(jobId, target);
                        }
                        target.completeExceptionally(failure);
                    });
        }
        CompletableFuture<JobRules> result = future;
        return Uni.createFrom().completionStage(() -> result.thenApply(r -> r));
    }
}
