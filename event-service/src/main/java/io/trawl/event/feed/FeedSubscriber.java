package io.trawl.event.feed;

import io.quarkus.logging.Log;
import io.trawl.event.metrics.FeedMetrics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A connected subscriber: its transport and a pump that performs one step at a time (a Postgres read, a batch
 * of sends) and waits for each step before the next, so what is in flight stays bounded. Producers only hand
 * events over and wake the pump; the pump runs on the subscriber's own executor (its connection's event loop),
 * never inside a producer's call. State of subclasses is guarded by {@code this}.
 */
public abstract class FeedSubscriber {

    protected final FeedSink sink;
    protected final Surface surface;
    protected final FeedMetrics metrics;
    private final Executor executor;
    private Consumer<FeedSubscriber> onClose = s -> { };
    private boolean pumping;
    private boolean closed;

    protected FeedSubscriber(FeedSink sink, Surface surface, FeedMetrics metrics, Executor executor) {
        this.sink = sink;
        this.surface = surface;
        this.metrics = metrics;
        this.executor = executor;
    }

    /** Called once when the subscriber closes (either side), to detach it. */
    public synchronized void onClose(Consumer<FeedSubscriber> action) {
        this.onClose = action;
    }

    public Surface surface() {
        return surface;
    }

    /** Runs {@code action} on the subscriber's executor (never inside a producer's call). */
    protected final void later(Runnable action) {
        executor.execute(action);
    }

    /** Starts the pump (on the subscriber's executor) unless it is running. */
    protected final void wake() {
        synchronized (this) {
            if (pumping || closed) {
                return;
            }
            pumping = true;
        }
        executor.execute(this::pump);
    }

    private void pump() {
        while (true) {
            CompletionStage<?> step;
            try {
                step = step();
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (step == null) {
                return;
            }
            CompletableFuture<?> future = step.toCompletableFuture();
            if (future.isDone() && !future.isCompletedExceptionally()) {
                continue;
            }
            future.whenComplete((ok, failure) -> {
                if (failure != null) {
                    failed(failure);
                } else {
                    executor.execute(this::pump);
                }
            });
            return;
        }
    }

    /**
     * The next step, or null when there is nothing to do — and then, in the same synchronized block that found
     * nothing, {@link #stopPumping()} must have been called, so no event offered meanwhile is missed.
     */
    protected abstract CompletionStage<?> step();

    /** Marks the pump stopped; caller holds the lock. */
    protected final void stopPumping() {
        pumping = false;
    }

    protected final synchronized boolean isClosed() {
        return closed;
    }

    /** Sends events in order; completes when the transport took all of them. */
    protected final CompletionStage<Void> sendAll(List<FeedEvent> events, boolean live) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] sends = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < sends.length; i++) {
            FeedEvent event = events.get(i);
            sends[i] = sink.sendEvent(event).toCompletableFuture();
            if (live) {
                metrics.sentLive(event.time());
            }
        }
        metrics.delivered(surface, sends.length);
        return CompletableFuture.allOf(sends);
    }

    /** The subscriber fell behind: tell it where to resume, close it. */
    protected final void resync(Long after) {
        if (!markClosed()) {
            return;
        }
        metrics.resync(surface);
        Log.debugf("%s subscriber fell behind; resync after %s", surface.tag(), after);
        sink.sendControl(FeedMessages.RESYNC, FeedMessages.resync(after));
        sink.close(FeedSink.Close.RESYNC, "resync");
    }

    private void failed(Throwable failure) {
        if (!markClosed()) {
            return;
        }
        if (sink.isOpen()) {
            Log.warnf("%s feed failed, closing it: %s", surface.tag(), failure.toString());
        } else {
            Log.debugf("%s feed ended: %s", surface.tag(), failure.toString());
        }
        sink.close(FeedSink.Close.FAILED, "server error; reconnect from your last seq");
    }

    /** The transport closed (client gone, or our own close completed). Idempotent. */
    public final void closed() {
        markClosed();
    }

    private boolean markClosed() {
        Consumer<FeedSubscriber> action;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            action = onClose;
            release();
        }
        metrics.disconnected(surface);
        action.accept(this);
        return true;
    }

    /** Drops what the subscriber holds (caller holds the lock). */
    protected abstract void release();
}
