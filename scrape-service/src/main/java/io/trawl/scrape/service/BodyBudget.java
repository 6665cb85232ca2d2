package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import io.trawl.scrape.config.ScrapeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pod's memory budget for page bodies in flight ({@code trawl.worker.body-budget} bytes): before a fetch a
 * task reserves its job's {@code limits.maxBytes} (at most the whole budget) and returns it once the page is
 * parsed. Sixteen concurrent 100 MB pages therefore wait for each other instead of exhausting the heap, while
 * ordinary pages (5 MB by default) run at full concurrency. Waiting is asynchronous (no thread is held), first
 * come first served, and a cancelled waiter (pause, kill, lost lease) leaves the queue.
 */
@ApplicationScoped
public class BodyBudget {

    /** Bytes reserved by one task; release it exactly once (later calls do nothing). */
    public final class Permit {
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                BodyBudget.this.release(bytes);
            }
        }
    }

    private record Waiter(long bytes, CompletableFuture<Permit> granted) {
    }

    private final long capacity;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private long available;

    @Inject
    public BodyBudget(ScrapeConfig config) {
        this(config.worker().bodyBudget());
    }

    public BodyBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("trawl.worker.body-budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /** Reserves {@code bytes} (at most the whole budget); completes when they are free. */
    public Uni<Permit> acquire(long bytes) {
        long wanted = Math.max(1, Math.min(bytes, capacity));
        return Uni.createFrom().deferred(() -> {
            Waiter waiter = new Waiter(wanted, new CompletableFuture<>());
            synchronized (this) {
                if (waiting.isEmpty() && available >= wanted) {
                    available -= wanted;
                    return Uni.createFrom().item(new Permit(wanted));
                }
                waiting.addLast(waiter);
            }
            return Uni.createFrom().completionStage(waiter.granted())
                    .onCancellation().invoke(() -> cancel(waiter));
        });
    }

    /** Bytes not reserved right now. */
    public synchronized long available() {
        return available;
    }

    /** Tasks waiting for bytes. */
    public synchronized int waiting() {
        return waiting.size();
    }

    private void cancel(Waiter waiter) {
        boolean removed;
        synchronized (this) {
            removed = waiting.remove(waiter);
        }
        if (!removed) {
            // granted while being cancelled: give the bytes back
            waiter.granted().thenAccept(Permit::release);
        }
    }

    private void release(long bytes) {
        java.util.List<Waiter> granted = new java.util.ArrayList<>();
        synchronized (this) {
            available += bytes;
            while (!waiting.isEmpty() && available >= waiting.peekFirst().bytes()) {
                Waiter next = waiting.pollFirst();
                available -= next.bytes();
                granted.add(next);
            }
        }
        for (Waiter w : granted) {
            w.granted().complete(new Permit(w.bytes()));
        }
    }
}
