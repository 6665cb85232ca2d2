package io.trawl.common.message;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/**
 * The body of a {@code trawl.control} (fanout) message: stop starting this job's tasks and cancel its
 * in-flight fetches (pause, kill), or forget an earlier pause (resume). Sent after the state change
 * committed; workers also check the job's status in Postgres when they claim a task.
 */
@RegisterForReflection
public record ControlMessage(UUID jobId, ControlAction action, Instant time) {
}
