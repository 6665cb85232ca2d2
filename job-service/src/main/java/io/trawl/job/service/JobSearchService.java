package io.trawl.job.service;

import io.smallrye.mutiny.Uni;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.common.state.TaskState;
import io.trawl.job.repository.ItemRecord;
import io.trawl.job.repository.ItemRepository;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.TaskRecord;
import io.trawl.job.repository.TaskRepository;
import java.util.Map;
import io.trawl.job.repository.JobRepository;
import io.trawl.job.repository.JobSearchRepository;
import io.trawl.job.repository.JobSearchRepository.JobFilter;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.support.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads across one tenant or, for an admin's empty scope, every tenant: the filtered jobs listing and lookups by
 * id that the dashboard and {@code GET /api/v1/jobs} need. A tenant key's scope is always its own tenant.
 */
@ApplicationScoped
public class JobSearchService {

    private final JobSearchRepository search;
    private final TaskRepository tasks;
    private final ItemRepository items;

    public JobSearchService(JobSearchRepository search, TaskRepository tasks, ItemRepository items) {
        this.search = search;
        this.tasks = tasks;
        this.items = items;
    }

    /** A page of the job's tasks in id order, optionally of one state. */
    public Uni<List<TaskRecord>> tasks(UUID jobId, TaskState state, long afterId, int limit) {
        return tasks.list(jobId, state, afterId, limit);
    }

    /** The most tasks per state the job page counts; beyond it shows "1000+" (the job's counters stay exact). */
    public static final int TASK_COUNT_CAP = 1_000;

    /**
     * How many of the job's tasks are in each state, each count at most {@link #TASK_COUNT_CAP} (a value equal to it
     * means "at least"), so the job page costs the same with 100,000 tasks as with 100.
     */
    public Uni<Map<TaskState, Long>> taskCounts(UUID jobId) {
        return tasks.countByStateUpTo(jobId, TASK_COUNT_CAP);
    }

    /** The job's first items (the results preview). */
    public Uni<List<ItemRecord>> firstItems(UUID jobId, int limit) {
        return items.page(jobId, 0, limit);
    }

    public Uni<List<JobRecord>> search(JobFilter filter, CreatedAtKey after, int limit) {
        return search.search(filter, after, limit);
    }

    public Uni<Long> count(JobFilter filter) {
        return search.count(filter);
    }

    /** The job, in scope; a 404 problem otherwise. */
    public Uni<JobRecord> job(Optional<String> scope, UUID id) {
        return search.find(scope, id).map(found -> found.orElseThrow(() -> JobService.notFound(id)));
    }

    public Uni<List<ScheduleRecord>> schedules(Optional<String> scope, CreatedAtKey after, int limit) {
        return search.schedules(scope, after, limit);
    }

    /** The schedule, in scope; refused as not found otherwise. */
    public Uni<ScheduleRecord> schedule(Optional<String> scope, UUID id) {
        return search.findSchedule(scope, id)
                .map(found -> found.orElseThrow(() -> new Refusal.NotFound("no schedule " + id)));
    }
}
