package io.trawl.event.feed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What one job-feed subscriber has been sent and what it still needs (pure, not thread-safe: its owner
 * serializes calls). Holds the subscriber's cursor — the last sequence number handed to its transport — and a
 * bounded buffer of live events.
 *
 * <p>The subscriber starts <em>catching up</em>: it reads {@code seq > cursor} from Postgres in batches while
 * live events of the job already collect in the buffer. A read that returns less than a full batch, and began
 * after every live event that had to be thrown away (see below), proves the buffer continues the history, so
 * the subscriber turns <em>live</em> and drains the buffer, sending only {@code cursor + 1} each time: older
 * events are dropped as duplicates, and a newer one (a gap) sends it back to catching up. Every number
 * {@code > after} is therefore sent exactly once and in order, whatever the timing of replay and live events.
 *
 * <p>The buffer is bounded. While catching up, an overflow only discards the buffer (the events are in
 * Postgres) and forces one more read; when live, an overflow means the subscriber cannot keep up: it gets a
 * resync and is closed. Either way the memory of a subscriber is at most {@code capacity} events.
 */
public final class DeliveryState<E> {

    /** Outcome of offering a live event. */
    public enum Offer {
        /** Buffered. */
        QUEUED,
        /** Already sent, or the subscriber is finished: nothing to do. */
        IGNORED,
        /** Buffer full while catching up: buffer discarded, the catch-up reads once more. */
        DISCARDED,
        /** Buffer full while live: send a resync with {@link #cursor()} and close. */
        RESYNC
    }

    /** The next thing the owner must do. */
    public sealed interface Work permits Idle, Read, Send, Announce {
    }

    /** Nothing to do until the next offer. */
    public record Idle() implements Work {
    }

    /** Read up to a batch of {@code seq > after} from Postgres, then {@link #accept} and {@link #readDone}. */
    public record Read(long after) implements Work {
    }

    /** Send these events, in order. */
    public record Send<E>(List<E> events) implements Work {
    }

    /** The history is sent (up to {@code after}); tell the subscriber once, before any live event. */
    public record Announce(long after) implements Work {
    }

    private enum Mode { CATCHING_UP, LIVE, FINISHED }

    private static final Idle IDLE = new Idle();

    private final ToLongFunction<E> seqOf;
    private final int capacity;
    private final ArrayDeque<E> buffer = new ArrayDeque<>();
    private long cursor;
    private Mode mode = Mode.CATCHING_UP;
    private boolean readAgain;
    private boolean announce;
    private boolean announced;

    /**
     * @param after the subscriber already has every event up to this number
     * @param capacity most live events held for this subscriber
     */
    public DeliveryState(long after, int capacity, ToLongFunction<E> seqOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.cursor = after;
        this.capacity = capacity;
        this.seqOf = seqOf;
    }

    public Offer offer(E event) {
        if (mode == Mode.FINISHED || seqOf.applyAsLong(event) <= cursor) {
            return Offer.IGNORED;
        }
        if (buffer.size() < capacity) {
            buffer.addLast(event);
            return Offer.QUEUED;
        }
        buffer.clear();
        if (mode == Mode.CATCHING_UP) {
            readAgain = true;
            return Offer.DISCARDED;
        }
        mode = Mode.FINISHED;
        return Offer.RESYNC;
    }

    /** The next step; {@code maxBatch} bounds a {@link Send}. */
    public Work next(int maxBatch) {
        switch (mode) {
            case FINISHED:
                return IDLE;
            case CATCHING_UP:
                readAgain = false;
                return new Read(cursor);
            default:
                break;
        }
        if (announce) {
            announce = false;
            announced = true;
            return new Announce(cursor);
        }
        List<E> batch = new ArrayList<>(Math.min(maxBatch, buffer.size()));
        while (batch.size() < maxBatch && !buffer.isEmpty()) {
            long seq = seqOf.applyAsLong(buffer.peekFirst());
            if (seq <= cursor) {
                buffer.pollFirst();
            } else if (seq == cursor + 1) {
                batch.add(buffer.pollFirst());
                cursor = seq;
            } else {
                break;
            }
        }
        if (!batch.isEmpty()) {
            return new Send<>(batch);
        }
        if (!buffer.isEmpty()) {
            // A gap between what was sent and the oldest buffered event: fetch it from Postgres.
            mode = Mode.CATCHING_UP;
            readAgain = false;
            return new Read(cursor);
        }
        return IDLE;
    }

    /** Rows of a {@link Read} (ascending); returns those to send, advancing the cursor past them. */
    public List<E> accept(List<E> rows) {
        List<E> send = new ArrayList<>(rows.size());
        for (E row : rows) {
            long seq = seqOf.applyAsLong(row);
            if (seq > cursor) {
                send.add(row);
                cursor = seq;
            }
        }
        return send;
    }

    /** A {@link Read} of at most {@code limit} rows returned {@code rows}. */
    public void readDone(int rows, int limit) {
        if (mode != Mode.CATCHING_UP || rows >= limit || readAgain) {
            return;
        }
        mode = Mode.LIVE;
        if (!announced) {
            announce = true;
        }
    }

    /** No more work: the subscriber is closed. */
    public void finish() {
        mode = Mode.FINISHED;
        buffer.clear();
    }

    /** Last sequence number handed to the transport. */
    public long cursor() {
        return cursor;
    }

    public int buffered() {
        return buffer.size();
    }

    public boolean live() {
        return mode == Mode.LIVE;
    }

    public boolean finished() {
        return mode == Mode.FINISHED;
    }
}
