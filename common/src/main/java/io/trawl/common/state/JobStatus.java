package io.trawl.common.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A job's status: {@code pending → running → (paused ⇄ running) → completed | failed | killed}. */
public enum JobStatus {
    PENDING, RUNNING, PAUSED, COMPLETED, FAILED, KILLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == KILLED;
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} for anything else. */
    @JsonCreator
    public static JobStatus fromWire(String wire) {
        for (JobStatus s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job status '" + wire + "'");
    }
}
