package io.trawl.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event type of the feed (DESIGN.md §3), with its wire name. */
public enum EventType {
    JOB_CREATED("job.created"),
    JOB_STARTED("job.started"),
    JOB_PAUSED("job.paused"),
    JOB_RESUMED("job.resumed"),
    JOB_KILLED("job.killed"),
    JOB_COMPLETED("job.completed"),
    JOB_FAILED("job.failed"),
    JOB_PROGRESS("job.progress"),
    TASK_STARTED("task.started"),
    TASK_SUCCEEDED("task.succeeded"),
    TASK_RETRYING("task.retrying"),
    TASK_FAILED("task.failed"),
    TASK_CANCELLED("task.cancelled");

    private static final Map<String, EventType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toMap(EventType::wire, Function.identity()));

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** True for the events after which a job's feed has nothing more to say (until a retry). */
    public boolean terminal() {
        return this == JOB_COMPLETED || this == JOB_FAILED || this == JOB_KILLED;
    }

    @JsonCreator
    public static EventType fromWire(String wire) {
        EventType type = BY_WIRE.get(wire);
        if (type == null) {
            throw new IllegalArgumentException("unknown event type " + wire);
        }
        return type;
    }

    @Override
    public String toString() {
        return wire;
    }
}
