package io.trawl.event.feed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded queue of a live-only subscriber (the tenant firehose); pure, not thread-safe. An event that
 * does not fit means the subscriber cannot keep up: the queue reports it once and refuses everything after.
 */
public final class LiveQueue<E> {

    private final int capacity;
    private final ArrayDeque<E> queue = new ArrayDeque<>();
    private boolean overflowed;

    public LiveQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** False when the event did not fit (the first time: the caller resyncs); the queue is then cleared. */
    public boolean offer(E event) {
        if (overflowed) {
            return true;
        }
        if (queue.size() >= capacity) {
            overflowed = true;
            queue.clear();
            return false;
        }
        queue.addLast(event);
        return true;
    }

    /** Takes up to {@code max} events, oldest first. */
    public List<E> take(int max) {
        List<E> batch = new ArrayList<>(Math.min(max, queue.size()));
        while (batch.size() < max && !queue.isEmpty()) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    public int size() {
        return queue.size();
    }

    public boolean overflowed() {
        return overflowed;
    }
}
