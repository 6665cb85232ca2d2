package io.trawl.job.service;

import io.smallrye.mutiny.Uni;
import io.trawl.common.state.TaskState;
import io.trawl.job.repository.TaskRecord;
import io.trawl.job.repository.TaskRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** A job's tasks as the API shows them: listing pages (the per-state counts of a job's detail come with its row, {@link JobService#detail}). */
@ApplicationScoped
public class TaskService {

    private final JobService jobs;
    private final TaskRepository tasks;

    public TaskService(JobService jobs, TaskRepository tasks) {
        this.jobs = jobs;
        this.tasks = tasks;
    }

    /** One page of the job's tasks after task id {@code afterId}, optionally of one state; the job must belong to the tenant. */
    public Uni<List<TaskRecord>> page(String tenant, UUID jobId, TaskState state, long afterId, int limit) {
        return jobs.get(tenant, jobId).chain(job -> tasks.list(job.id(), state, afterId, limit));
    }
}
