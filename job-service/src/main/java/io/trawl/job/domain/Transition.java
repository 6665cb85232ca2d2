package io.trawl.job.domain;

import io.trawl.common.event.EventType;
import io.trawl.common.state.JobStatus;

/** What a control command does to a job in a given status. */
public sealed interface Transition {

    /** The command changes the job to {@code to} and appends one {@code event}. */
    record Apply(JobStatus to, EventType event) implements Transition {
    }

    /** The command is already in effect: answer 200 with the current state, append nothing. */
    record AlreadyInEffect(JobStatus current) implements Transition {
    }

    /** The command makes no sense in this status: answer 409. */
    record Illegal(JobStatus current, String reason) implements Transition {
    }
}
