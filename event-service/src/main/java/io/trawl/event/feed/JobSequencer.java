package io.trawl.event.feed;

/**
 * The per-job gap detector of one replica (pure, not thread-safe: its owner serializes calls). It tracks the
 * highest sequence number delivered in order ({@link #last()}) and the highest one known to be committed
 * ({@link #known()}). An arrival that is the next number is delivered at once; an older one is a duplicate;
 * a newer one reveals a gap, and the caller reads {@code (last, known]} from Postgres — the arrival included —
 * before anything else of this job is delivered. While such a heal is running, arrivals only raise
 * {@code known}: the heal (and the ones after it) read them back from Postgres in order.
 */
public final class JobSequencer {

    /** What to do with an event that arrived from the broker. */
    public enum Arrival {
        /** The next number: deliver it now. */
        DELIVER,
        /** Already delivered (or older): drop it. */
        DUPLICATE,
        /** A heal is running; it will read this event from Postgres. */
        DEFERRED,
        /** A gap: read {@code (last, known]} from Postgres, then call {@link #healed}. */
        HEAL
    }

    private long last;
    private long known;
    private boolean healing;

    /** @param last the highest number already delivered (or known to be irrelevant) when the job is first watched */
    public JobSequencer(long last) {
        this.last = last;
        this.known = last;
    }

    public Arrival arrived(long seq) {
        if (seq <= last) {
            return Arrival.DUPLICATE;
        }
        known = Math.max(known, seq);
        if (healing) {
            return Arrival.DEFERRED;
        }
        if (seq == last + 1) {
            last = seq;
            return Arrival.DELIVER;
        }
        healing = true;
        return Arrival.HEAL;
    }

    /**
     * Postgres says events up to {@code committed} exist (a tail check). Returns true when that opens a gap and
     * the caller must start a heal.
     */
    public boolean committed(long committed) {
        if (committed <= known) {
            return false;
        }
        known = committed;
        if (healing) {
            return false;
        }
        healing = true;
        return true;
    }

    /**
     * A heal read of {@code (last, known]} finished. {@code rows} events came back, the highest being
     * {@code highestRead} (ignored when {@code rows == 0}); the caller delivers them in order. An empty read
     * of a range that must exist means the rows were deleted (retention): they are skipped.
     *
     * @return true when another heal must follow (the read was capped, or more arrived meanwhile)
     */
    public boolean healed(int rows, long highestRead) {
        if (rows == 0) {
            last = known;
        } else {
            last = Math.max(last, highestRead);
        }
        if (last >= known) {
            healing = false;
            return false;
        }
        return true;
    }

    /** Whether a heal is running (arrivals are deferred). */
    public boolean healing() {
        return healing;
    }

    /** Highest number delivered in order. */
    public long last() {
        return last;
    }

    /** Highest number known to be committed. */
    public long known() {
        return known;
    }
}
