package io.trawl.common.task;

/**
 * The Postgres notification that says "a host slot was freed": a worker's outcome transaction sends it (it is
 * delivered at commit, and only then), and job-service's dispatcher, which listens, runs a round at once instead
 * of at its next idle tick. Only a hint: a lost or absent notification costs at most one idle interval, never a
 * task.
 */
public final class SlotSignal {

    /** The {@code LISTEN}/{@code NOTIFY} channel. */
    public static final String CHANNEL = "trawl_slots";

    /** The statement that sends it inside a transaction (several in one transaction are delivered as one). */
    public static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', '')";

    private SlotSignal() {
    }
}
