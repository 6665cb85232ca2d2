package io.trawl.common.task;

/**
 * The Postgres notification that says "a host slot was freed": a worker's outcome transaction sends it (it is
 * delivered at commit, and only then), and job-service's dispatcher, which listens, runs a round at once instead
 * of at its next idle tick. With a job id as its payload it also says "by its counters this job has no open task
 * left" (the outcome that counted its last task sends it): job-service then checks that job for completion at
 * once instead of at the reaper's next round. Only hints: a lost or absent notification costs at most one idle
 * interval or one reaper interval, never a task, and the reaper's check under the job lock decides.
 */
public final class SlotSignal {

    /** The {@code LISTEN}/{@code NOTIFY} channel. */
    public static final String CHANNEL = "trawl_slots";

    /** The statement that sends it inside a transaction (several in one transaction are delivered as one). */
    public static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', '')";

    /**
     * {@code countingUpdate} (an {@code UPDATE trawl.jobs} of job counters, its table not aliased, without a
     * RETURNING clause) as one statement that also sends the id of each job it leaves with nothing open
     * ({@code tasks_total - tasks_done - tasks_failed <= 0}).
     */
    public static String notifyFinished(String countingUpdate) {
        return "WITH counted AS (" + countingUpdate + " RETURNING id, tasks_total - tasks_done - tasks_failed AS open) "
                + "SELECT pg_notify('" + CHANNEL + "', c.id::text) FROM counted c WHERE c.open <= 0";
    }

    private SlotSignal() {
    }
}
