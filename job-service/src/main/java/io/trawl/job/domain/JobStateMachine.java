package io.trawl.job.domain;

import io.trawl.common.event.EventType;
import io.trawl.common.state.JobStatus;

/**
 * The job state machine, as one pure decision: given a job's status and a control command, what happens.
 * <ul>
 *   <li>pause: pending|running → paused; paused: in effect; terminal: illegal.</li>
 *   <li>resume: paused → running (pending if nothing was dispatched yet); pending|running: in effect;
 *       terminal: illegal.</li>
 *   <li>kill: pending|running|paused → killed; killed: in effect; completed|failed: illegal.</li>
 *   <li>retry: completed|failed with failed tasks → running; pending|running: in effect; paused, killed,
 *       or nothing failed: illegal.</li>
 * </ul>
 */
public final class JobStateMachine {

    private JobStateMachine() {
    }

    /**
     * @param started     whether the job was ever dispatched (it has a started_at)
     * @param failedTasks how many of its tasks are {@code failed}
     */
    public static Transition decide(JobStatus current, JobCommand command, boolean started, long failedTasks) {
        switch (command) {
            case PAUSE:
                if (current == JobStatus.PENDING || current == JobStatus.RUNNING) {
                    return new Transition.Apply(JobStatus.PAUSED, EventType.JOB_PAUSED);
                }
                if (current == JobStatus.PAUSED) {
                    return new Transition.AlreadyInEffect(current);
                }
                return new Transition.Illegal(current, "a " + current.wire() + " job cannot be paused");
            case RESUME:
                if (current == JobStatus.PAUSED) {
                    return new Transition.Apply(started ? JobStatus.RUNNING : JobStatus.PENDING, EventType.JOB_RESUMED);
                }
                if (current == JobStatus.PENDING || current == JobStatus.RUNNING) {
                    return new Transition.AlreadyInEffect(current);
                }
                return new Transition.Illegal(current, "a " + current.wire() + " job cannot be resumed");
            case KILL:
                if (current == JobStatus.KILLED) {
                    return new Transition.AlreadyInEffect(current);
                }
                if (current.terminal()) {
                    return new Transition.Illegal(current, "a " + current.wire() + " job cannot be killed");
                }
                return new Transition.Apply(JobStatus.KILLED, EventType.JOB_KILLED);
            case RETRY:
                if (current == JobStatus.PENDING || current == JobStatus.RUNNING) {
                    return new Transition.AlreadyInEffect(current);
                }
                if (current == JobStatus.COMPLETED || current == JobStatus.FAILED) {
                    return failedTasks > 0
                            ? new Transition.Apply(JobStatus.RUNNING, EventType.JOB_RESUMED)
                            : new Transition.Illegal(current, "the job has no failed tasks to retry");
                }
                return new Transition.Illegal(current, current == JobStatus.PAUSED
                        ? "a paused job is resumed, not retried"
                        : "a killed job cannot be retried");
            default:
                throw new IllegalArgumentException("unknown command " + command);
        }
    }
}
