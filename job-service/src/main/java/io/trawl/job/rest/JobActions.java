package io.trawl.job.rest;

import io.trawl.common.state.JobStatus;
import io.trawl.job.domain.JobCommand;
import io.trawl.web.ProblemException;
import java.util.Locale;

/** The names of the control actions and job statuses as the API and the dashboard accept them. */
public final class JobActions {

    private JobActions() {
    }

    /** pause, resume, kill or retry; a 400 problem naming {@code action} otherwise. */
    public static JobCommand command(String action) {
        if (action != null) {
            switch (action.strip().toLowerCase(Locale.ROOT)) {
                case "pause": return JobCommand.PAUSE;
                case "resume": return JobCommand.RESUME;
                case "kill": return JobCommand.KILL;
                case "retry": return JobCommand.RETRY;
                default: break;
            }
        }
        throw ProblemException.badParameter("action", "must be one of pause, resume, kill, retry");
    }

    /** A job status by its wire name; a 400 problem naming {@code status} otherwise. */
    public static JobStatus status(String status) {
        try {
            return JobStatus.fromWire(status.strip());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.badParameter("status",
                    "must be one of pending, running, paused, completed, failed, killed");
        }
    }
}
