package io.trawl.job.schedule;

import java.util.Locale;

/** What a fire does while the schedule's previous job is still running. */
public enum OverlapPolicy {
    /** Don't start; record the fire as skipped with the reason. */
    SKIP,
    /** Start when the previous job finishes (one fire waits; later ones are skipped meanwhile). */
    QUEUE,
    /** Start anyway. */
    ALLOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OverlapPolicy fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
