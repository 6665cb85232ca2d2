package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.trawl.common.state.JobStatus;
import io.trawl.common.state.TaskState;
import io.trawl.job.repository.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it: status, progress counters, rates, timestamps and links. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        UUID id,
        String name,
        JobStatus status,
        int priority,
        Progress progress,
        Map<TaskState, Long> tasks,
        Rates rates,
        @JsonUnwrapped Lifecycle lifecycle,
        UUID scheduleId,
        Instant fireTime,
        String idempotencyKey,
        long lastEventSeq,
        @JsonRawValue String spec,
        Links links) {

    /** Counters of the job's tasks and items. */
    public record Progress(long tasksTotal, long tasksDone, long tasksFailed, long items, double percent) {
    }

    /** When the job was created, started, last paused, finished and purged (each shown once it happened). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lifecycle(Instant createdAt, Instant startedAt, Instant pausedAt, Instant finishedAt,
            Instant purgedAt) {
    }

    /** Throughput since the job started (until it finished). */
    public record Rates(double pagesPerSecond, double itemsPerSecond) {
    }

    /** Where to find the job, its feed and its results (events are served by event-service). */
    public record Links(String self, String tasks, String results, String events, String stream, String websocket) {
        static Links of(UUID id) {
            String self = "/api/v1/jobs/" + id;
            return new Links(self, self + "/tasks", self + "/results", self + "/events", self + "/events/stream",
                    "/ws/jobs/" + id);
        }
    }

    /** The listing form: no spec, no per-state task counts. */
    public static JobView summary(JobRecord job, Instant now) {
        return of(job, null, false, now);
    }

    /** The full form, with the spec and (when given) how many tasks are in each state. */
    public static JobView detail(JobRecord job, Map<TaskState, Long> tasks, Instant now) {
        return of(job, tasks, true, now);
    }

    private static JobView of(JobRecord job, Map<TaskState, Long> tasks, boolean withSpec, Instant now) {
        var counters = job.counters();
        return new JobView(job.id(), job.name(), job.status(), job.priority(),
                new Progress(counters.tasksTotal(), counters.tasksDone(), counters.tasksFailed(), counters.items(),
                        counters.percent()),
                tasks, rates(job, now),
                new Lifecycle(job.createdAt(), job.startedAt(), job.pausedAt(), job.finishedAt(), job.purgedAt()),
                job.scheduleId(), job.fireTime(), job.idempotencyKey(), job.eventSeq(),
                withSpec ? job.spec() : null, Links.of(job.id()));
    }

    private static Rates rates(JobRecord job, Instant now) {
        if (job.startedAt() == null) {
            return new Rates(0, 0);
        }
        Instant end = job.finishedAt() != null ? job.finishedAt() : now;
        double seconds = Math.max(0.001, Duration.between(job.startedAt(), end).toMillis() / 1000.0);
        return new Rates(round((job.tasksDone() + job.tasksFailed()) / seconds), round(job.items() / seconds));
    }

    private static double round(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
