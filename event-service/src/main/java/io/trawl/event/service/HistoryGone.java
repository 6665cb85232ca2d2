package io.trawl.event.service;

import io.trawl.support.Refusal;
import java.util.UUID;

/**
 * Refused: a replay that asks for events retention has deleted (docs/hardening-api.md, "replay after
 * retention"): 410 Gone on REST replay and SSE, a {@code gone} frame then close 4410 on the WebSocket. Events
 * are numbered without gaps, so a missing {@code after + 1} below the job's committed end can only mean
 * retention deleted it. {@code earliestSeq} is the first event still stored after {@code after}, or null when none is.
 */
public final class HistoryGone extends Refusal.Gone {

    private final UUID jobId;
    private final long after;
    private final Long earliestSeq;

    private HistoryGone(UUID jobId, long after, Long earliestSeq) {
        super(detail(jobId, after, earliestSeq));
        this.jobId = jobId;
        this.after = after;
        this.earliestSeq = earliestSeq;
    }

    /**
     * Whether replaying {@code seq > after} of a job committed up to {@code eventSeq} can be answered, given
     * {@code firstStored}, the seq of the first stored event after {@code after} (null when there is none).
     *
     * @return the refusal, or null when the history from {@code after} is complete
     */
    public static HistoryGone check(UUID jobId, long after, long eventSeq, Long firstStored) {
        if (after >= eventSeq) {
            return null;
        }
        if (firstStored != null && firstStored == after + 1) {
            return null;
        }
        return new HistoryGone(jobId, after, firstStored);
    }

    public UUID jobId() {
        return jobId;
    }

    public long after() {
        return after;
    }

    /** The earliest event still stored after {@code after}; null when the whole history is gone. */
    public Long earliestSeq() {
        return earliestSeq;
    }

    private static String detail(UUID jobId, long after, Long earliestSeq) {
        if (earliestSeq == null) {
            return "the event history of job " + jobId + " after seq " + after
                    + " was deleted by retention; no events are stored (the job itself remains in job-service)";
        }
        return "events " + (after + 1) + ".." + (earliestSeq - 1) + " of job " + jobId
                + " were deleted by retention; the earliest stored is seq " + earliestSeq
                + " (continue with after=" + (earliestSeq - 1) + " to read what is left)";
    }
}
