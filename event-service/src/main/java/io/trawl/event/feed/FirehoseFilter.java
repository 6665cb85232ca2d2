package io.trawl.event.feed;

import io.trawl.common.event.EventType;
import io.trawl.common.state.JobStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which events a tenant firehose subscriber wants: by event type and by the job's status (both optional,
 * each a set of accepted values). Pure.
 */
public final class FirehoseFilter {

    private static final FirehoseFilter ALL = new FirehoseFilter(null, null);

    private final Set<EventType> types;
    private final Set<JobStatus> statuses;

    private FirehoseFilter(Set<EventType> types, Set<JobStatus> statuses) {
        this.types = types;
        this.statuses = statuses;
    }

    public static FirehoseFilter all() {
        return ALL;
    }

    /** A filter of these types and statuses; null accepts every type / status. */
    public static FirehoseFilter of(Set<EventType> types, Set<JobStatus> statuses) {
        return types == null && statuses == null ? ALL : new FirehoseFilter(types, statuses);
    }

    /**
     * Parses comma-separated lists ({@code task.failed,job.completed}; {@code running,paused}); null or blank
     * accepts everything. Throws {@link IllegalArgumentException} naming the first unknown value.
     */
    public static FirehoseFilter parse(String types, String statuses) {
        return of(types(types), statuses(statuses));
    }

    /** Event types of a comma-separated list; null when absent or blank. */
    public static Set<EventType> types(String csv) {
        if (csv == null || csv.isBlank()) {
            return null;
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String wire : csv.split(",")) {
            if (!wire.isBlank()) {
                types.add(EventType.fromWire(wire.strip()));
            }
        }
        return types;
    }

    /** Job statuses of a comma-separated list; null when absent or blank. */
    public static Set<JobStatus> statuses(String csv) {
        if (csv == null || csv.isBlank()) {
            return null;
        }
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String wire : csv.split(",")) {
            if (!wire.isBlank()) {
                statuses.add(JobStatus.fromWire(wire.strip()));
            }
        }
        return statuses;
    }

    /** Whether an event of {@code type} of a job now in {@code status} (null: not known yet) passes. */
    public boolean accepts(String type, JobStatus status) {
        if (types != null) {
            EventType known;
            try {
                known = EventType.fromWire(type);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (!types.contains(known)) {
                return false;
            }
        }
        return statuses == null || (status != null && statuses.contains(status));
    }

    /**
     * The job's status once an event of {@code type} has happened: lifecycle events move it, the rest leave it.
     * {@code job.resumed} means running (a resumed job that was never dispatched is pending again until its
     * {@code job.started}; the periodic tail check corrects such details from Postgres).
     */
    public static JobStatus statusAfter(String type, JobStatus current) {
        return switch (type) {
            case "job.created" -> JobStatus.PENDING;
            case "job.started", "job.resumed" -> JobStatus.RUNNING;
            case "job.paused" -> JobStatus.PAUSED;
            case "job.completed" -> JobStatus.COMPLETED;
            case "job.failed" -> JobStatus.FAILED;
            case "job.killed" -> JobStatus.KILLED;
            default -> current;
        };
    }
}
