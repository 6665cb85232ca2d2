package io.trawl.common.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A task's state: {@code pending → queued → running → succeeded | failed | cancelled}; a failed attempt
 * with attempts left goes back to {@code pending} with a later {@code next_attempt_at}.
 */
public enum TaskState {
    PENDING, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    @JsonCreator
    public static TaskState fromWire(String wire) {
        for (TaskState s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown task state '" + wire + "'");
    }
}
