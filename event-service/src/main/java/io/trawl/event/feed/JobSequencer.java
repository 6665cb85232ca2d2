package io.trawl.event.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The per-job gap detector and reorder window of one replica (pure, not thread-safe: its owner serializes calls).
 * It tracks the highest sequence number delivered in order ({@link #last()}) and the highest one known to be
 * committed ({@link #known()}). An arrival that is the next number is delivered at once, with whatever it
 * makes contiguous; an older one is a duplicate; a newer one is held ({@link #held()}, at most {@code capacity}
 * events) until the missing numbers arrive or are read, for they usually are only a little late: several
 * publishers (the claims and the outcomes of one worker, several workers, job-service) commit one job's events in
 * turn but publish them from different threads, so RabbitMQ may deliver them out of order by a few milliseconds.
 *
 * <p>When the owner's gap wait runs out ({@link #gapWaitOver}; the wait is {@code trawl.feed.gap-wait}, 0 by
 * default), or at once when the window is full or a tail check found
 * committed numbers that never arrived, a heal reads {@code (last, known]} from Postgres. Arrivals during the
 * heal are still held, and the next number is still delivered when it arrives, so the broker and Postgres race
 * and the earlier wins; {@link #healed} then delivers the rows not yet delivered and what they make contiguous.
 * Every number is therefore delivered exactly once and in order, whatever arrives, late, twice or never.
 */
public final class JobSequencer<E> {

    /** What the owner must do next, besides delivering {@link Step#deliver()} in order. */
    public enum Next {
        /** Nothing: no gap, or a heal is already running. */
        NOTHING,
        /** A gap is open: start the gap wait unless one is running, then call {@link #gapWaitOver}. */
        WAIT,
        /** Read from Postgres now: call {@link #beginHeal}. */
        HEAL
    }

    /** Events to deliver now, in order, and what to do next. */
    public record Step<E>(List<E> deliver, Next next) {
    }

    /** A heal's read: the events {@code after < seq <= upTo}. */
    public record Range(long after, long upTo) {
    }

    private final ToLongFunction<E> seqOf;
    private final int capacity;
    private final TreeMap<Long, E> held = new TreeMap<>();
    private long last;
    private long known;
    /** Highest number Postgres itself said is committed (tail checks). */
    private long confirmed;
    private boolean healing;

    /**
     * @param last the highest number already delivered (or known to be irrelevant) when the job is first watched
     * @param capacity most events held while a gap is open; beyond it they are left to the heal
     */
    public JobSequencer(long last, int capacity, ToLongFunction<E> seqOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.last = last;
        this.known = last;
        this.capacity = capacity;
        this.seqOf = seqOf;
    }

    /** An event from the broker. */
    public Step<E> arrived(E event) {
        long seq = seqOf.applyAsLong(event);
        if (seq <= last || held.containsKey(seq)) {
            return new Step<>(List.of(), Next.NOTHING);
        }
        known = Math.max(known, seq);
        if (seq == last + 1) {
            List<E> deliver = new ArrayList<>();
            deliver.add(event);
            last = seq;
            drainInto(deliver);
            return new Step<>(deliver, gapOpen() ? Next.WAIT : Next.NOTHING);
        }
        boolean full = held.size() >= capacity;
        if (!full) {
            held.put(seq, event);
        }
        if (healing) {
            return new Step<>(List.of(), Next.NOTHING);
        }
        return new Step<>(List.of(), full ? Next.HEAL : Next.WAIT);
    }

    /**
     * Postgres says events up to {@code committed} exist (a tail check, or a firehose stream's first look).
     * Returns {@link Next#HEAL} when that opens a gap nothing is healing yet: those events are committed and
     * did not arrive, so there is nothing to wait for.
     */
    public Next committed(long committed) {
        if (committed <= known) {
            return Next.NOTHING;
        }
        known = committed;
        confirmed = committed;
        return healing ? Next.NOTHING : Next.HEAL;
    }

    /** The gap wait ran out: {@link Next#HEAL} if a gap is still open and nothing heals it yet. */
    public Next gapWaitOver() {
        return gapOpen() ? Next.HEAL : Next.NOTHING;
    }

    /** Starts a heal; the owner reads the returned range (at most a batch) and calls {@link #healed}. */
    public Range beginHeal() {
        if (!gapOpen()) {
            throw new IllegalStateException("no gap to heal (last " + last + ", known " + known + ")");
        }
        healing = true;
        return new Range(last, known);
    }

    /**
     * The heal read of {@code range} returned {@code rows} (ascending; {@code capped} when the batch limit cut
     * it short). An empty read of a range that must exist means the rows were deleted (retention): they are
     * skipped. Returns the rows and held events to deliver, in order, and what to do next.
     */
    public Step<E> healed(Range range, List<E> rows, boolean capped) {
        healing = false;
        List<E> deliver = new ArrayList<>();
        if (rows.isEmpty()) {
            // Deleted: skip them, up to the first event held (it did arrive).
            long skipTo = held.isEmpty() ? range.upTo() : Math.min(range.upTo(), held.firstKey() - 1);
            last = Math.max(last, skipTo);
        }
        for (E row : rows) {
            long seq = seqOf.applyAsLong(row);
            if (seq > last) {
                deliver.add(row);
                last = seq;
            }
        }
        drainInto(deliver);
        Next next = Next.NOTHING;
        if (gapOpen()) {
            // Numbers Postgres already said are committed (a capped batch, a tail check meanwhile) need no wait.
            next = capped || last < range.upTo() || last < confirmed ? Next.HEAL : Next.WAIT;
        }
        return new Step<>(deliver, next);
    }

    /** The heal's read failed: the gap stays open, to be healed again. */
    public void healFailed() {
        healing = false;
    }

    /** Held events the delivered ones made contiguous, in order; drops held ones at or below {@code last}. */
    private void drainInto(List<E> deliver) {
        while (!held.isEmpty()) {
            Map.Entry<Long, E> first = held.firstEntry();
            if (first.getKey() <= last) {
                held.pollFirstEntry();
            } else if (first.getKey() == last + 1) {
                deliver.add(held.pollFirstEntry().getValue());
                last = first.getKey();
            } else {
                return;
            }
        }
    }

    /** Whether numbers up to {@link #known()} are missing and no heal is running. */
    private boolean gapOpen() {
        return !healing && last < known;
    }

    /** Whether a heal is running. */
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

    /** Events held past a gap. */
    public int held() {
        return held.size();
    }
}
