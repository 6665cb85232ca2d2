package io.trawl.job.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.job.domain.JobCommand;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobSearchRepository;
import io.trawl.job.repository.JobSearchRepository.JobFilter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One control command applied to a selection of jobs (listed ids, or every job matching a filter), one job at a
 * time with the same rules as the single-job call: a job where the command is illegal is reported as refused
 * (the 409's reason) and the others go on; a dry run only counts.
 */
@ApplicationScoped
public class JobBulkService {

    /** Most jobs one bulk call may touch. */
    public static final int MAX_JOBS = 10_000;

    /** A job the command was refused for, and why. */
    @RegisterForReflection
    public record Refusal(UUID id, String name, String reason) {
    }

    /** What a bulk call did (or, dry, would touch). */
    @RegisterForReflection
    public record BulkResult(String action, boolean dryRun, int matched, int changed, int unchanged,
            List<Refusal> refused) {
    }

    private final JobSearchRepository search;
    private final JobService jobs;

    public JobBulkService(JobSearchRepository search, JobService jobs) {
        this.search = search;
        this.jobs = jobs;
    }

    /** Applies {@code command} to the jobs of {@code ids} in scope (unknown ids are not counted). */
    public Uni<BulkResult> apply(Optional<String> scope, JobCommand command, List<UUID> ids, boolean dryRun) {
        if (ids.size() > MAX_JOBS) {
            return Uni.createFrom().failure(new io.trawl.support.Refusal.InvalidInput("ids",
                    "may list at most " + MAX_JOBS + " jobs"));
        }
        return search.findAll(scope, ids).chain(found -> run(command, found, dryRun));
    }

    /** Applies {@code command} to every job matching {@code filter}. */
    public Uni<BulkResult> apply(JobFilter filter, JobCommand command, boolean dryRun) {
        return search.matching(filter, MAX_JOBS + 1).chain(found -> {
            if (found.size() > MAX_JOBS) {
                return Uni.createFrom().failure(new io.trawl.support.Refusal.InvalidInput("filter",
                        "matches more than " + MAX_JOBS + " jobs: narrow it"));
            }
            return run(command, found, dryRun);
        });
    }

    /** How many jobs match {@code filter} (what a confirmation says). */
    public Uni<Long> count(JobFilter filter) {
        return search.count(filter);
    }

    private Uni<BulkResult> run(JobCommand command, List<JobRecord> targets, boolean dryRun) {
        String action = command.name().toLowerCase(java.util.Locale.ROOT);
        if (dryRun) {
            return Uni.createFrom().item(new BulkResult(action, true, targets.size(), 0, 0, List.of()));
        }
        List<Refusal> refused = new ArrayList<>();
        int[] changed = {0};
        int[] unchanged = {0};
        return Multi.createFrom().iterable(targets)
                .onItem().transformToUniAndConcatenate(job -> jobs.control(job.tenant(), job.id(), command)
                        .invoke(result -> {
                            if (result.changed()) {
                                changed[0]++;
                            } else {
                                unchanged[0]++;
                            }
                        })
                        .replaceWithVoid()
                        .onFailure(io.trawl.support.Refusal.class)
                        .recoverWithItem(e -> {
                            refused.add(new Refusal(job.id(), job.name(), e.getMessage()));
                            return null;
                        }))
                .collect().last()
                .map(v -> new BulkResult(action, false, targets.size(), changed[0], unchanged[0], List.copyOf(refused)));
    }
}
