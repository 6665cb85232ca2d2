package io.trawl.scrape.service;

/** Why an in-flight task stopped before its outcome, and what the worker writes for it. */
public enum CancelReason {
    /** The job was paused: the task goes back to pending without spending the attempt. */
    PAUSED("paused", true),
    /** This pod is shutting down: like a pause, the task is handed back at once. */
    SHUTDOWN("shutdown", true),
    /**
     * This worker's browser could not be started or attached for the page (the page was not tried): handed back
     * like a pause, after a backoff delay, so a worker-side fault never spends a page's attempt.
     */
    BROWSER_UNAVAILABLE("browser-unavailable", true),
    /** The job was killed: job-service already cancelled the task; nothing is written. */
    KILLED("killed", false),
    /** The lease renewal matched no row (reaped or cancelled): somebody else owns the task; nothing is written. */
    LEASE_LOST("lease-lost", false);

    private final String wire;
    private final boolean requeue;

    CancelReason(String wire, boolean requeue) {
        this.wire = wire;
        this.requeue = requeue;
    }

    public String wire() {
        return wire;
    }

    /** True when the worker hands the task back (pending, attempt refunded, task.cancelled). */
    public boolean requeue() {
        return requeue;
    }
}
