package io.trawl.common.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * The data of every event type, built in one place so that all producers (job-service, scrape-service)
 * write the same shapes. docs/architecture.md lists them.
 */
public final class Events {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Events() {
    }

    /** Progress counters of a job, as carried by job.progress and the terminal job events. */
    public record Counters(long tasksTotal, long tasksDone, long tasksFailed, long items) {
        public double percent() {
            return tasksTotal == 0 ? 0.0 : Math.min(100.0, Math.round(1000.0 * (tasksDone + tasksFailed) / tasksTotal) / 10.0);
        }
    }

    public static NewEvent jobCreated(String name, int tasks, int priority, UUID scheduleId, Instant fireTime) {
        ObjectNode d = JSON.objectNode().put("name", name).put("tasks", tasks).put("priority", priority);
        if (scheduleId != null) {
            d.put("scheduleId", scheduleId.toString());
            d.put("fireTime", fireTime == null ? null : fireTime.toString());
        }
        return new NewEvent(EventType.JOB_CREATED, d);
    }

    public static NewEvent jobStarted() {
        return new NewEvent(EventType.JOB_STARTED, JSON.objectNode());
    }

    public static NewEvent jobPaused(int requeuedTasks) {
        return new NewEvent(EventType.JOB_PAUSED, JSON.objectNode().put("requeuedTasks", requeuedTasks));
    }

    public static NewEvent jobResumed(String reason, int requeuedTasks) {
        return new NewEvent(EventType.JOB_RESUMED,
                JSON.objectNode().put("reason", reason).put("requeuedTasks", requeuedTasks));
    }

    public static NewEvent jobKilled(int cancelledTasks) {
        return new NewEvent(EventType.JOB_KILLED, JSON.objectNode().put("cancelledTasks", cancelledTasks));
    }

    public static NewEvent jobFinished(EventType type, Counters counters) {
        return new NewEvent(type, counters(counters));
    }

    public static NewEvent jobProgress(Counters counters) {
        return new NewEvent(EventType.JOB_PROGRESS, counters(counters));
    }

    public static NewEvent taskStarted(long taskId, String url, int attempt, String worker) {
        return new NewEvent(EventType.TASK_STARTED, task(taskId, url).put("attempt", attempt).put("worker", worker));
    }

    public static NewEvent taskSucceeded(long taskId, String url, int httpStatus, int items, int links,
            long durationMs, long bytes) {
        return new NewEvent(EventType.TASK_SUCCEEDED, task(taskId, url).put("httpStatus", httpStatus)
                .put("items", items).put("links", links).put("durationMs", durationMs).put("bytes", bytes));
    }

    public static NewEvent taskRetrying(long taskId, String url, int attempt, String error, Instant nextAttemptAt) {
        return new NewEvent(EventType.TASK_RETRYING, task(taskId, url).put("attempt", attempt).put("error", error)
                .put("nextAttemptAt", nextAttemptAt.toString()));
    }

    public static NewEvent taskFailed(long taskId, String url, int attempt, String error, Integer httpStatus) {
        ObjectNode d = task(taskId, url).put("attempt", attempt).put("error", error);
        if (httpStatus != null) {
            d.put("httpStatus", httpStatus);
        }
        return new NewEvent(EventType.TASK_FAILED, d);
    }

    public static NewEvent taskCancelled(long taskId, String url, String reason, boolean requeued) {
        return new NewEvent(EventType.TASK_CANCELLED,
                task(taskId, url).put("reason", reason).put("requeued", requeued));
    }

    private static ObjectNode task(long taskId, String url) {
        return JSON.objectNode().put("taskId", taskId).put("url", url);
    }

    private static ObjectNode counters(Counters c) {
        return JSON.objectNode().put("tasksTotal", c.tasksTotal()).put("tasksDone", c.tasksDone())
                .put("tasksFailed", c.tasksFailed()).put("items", c.items()).put("percent", c.percent());
    }
}
