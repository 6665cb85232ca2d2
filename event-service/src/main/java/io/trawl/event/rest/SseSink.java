package io.trawl.event.rest;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.trawl.event.feed.FeedEvent;
import io.trawl.event.feed.FeedSink;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A feed over Server-Sent Events: {@code id:} is the event's seq (so a browser's EventSource resumes with
 * {@code Last-Event-ID}), {@code data:} its envelope; control messages are named events ({@code event: resync},
 * {@code event: replayed}) without an id. Quarkus REST requests the next item only when the previous one is
 * written, so a send completes when the response has room for it: items wait here until then, which bounds
 * what is in flight the same way as a WebSocket write.
 */
final class SseSink implements FeedSink {

    private record Pending(OutboundSseEvent event, CompletableFuture<Void> sent) {
    }

    private final MultiEmitter<? super OutboundSseEvent> emitter;
    private final Sse sse;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean closing;
    private boolean done;

    private final Runnable onTermination;

    /** @param onTermination runs once when the stream ends (client gone, or closed by us) */
    SseSink(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse, Runnable onTermination) {
        this.emitter = emitter;
        this.sse = sse;
        this.onTermination = onTermination;
        emitter.onRequest(n -> drain());
        emitter.onTermination(this::terminated);
    }

    @Override
    public CompletionStage<Void> sendEvent(FeedEvent event) {
        return send(sse.newEventBuilder().id(Long.toString(event.seq())).data(event.json()).build());
    }

    @Override
    public CompletionStage<Void> sendControl(String type, String json) {
        return send(sse.newEventBuilder().name(type).data(json).build());
    }

    /** A comment line that keeps proxies from closing an idle stream. */
    void heartbeat() {
        boolean idle;
        synchronized (this) {
            idle = pending.isEmpty();
        }
        if (idle) {
            send(sse.newEventBuilder().comment("heartbeat").build());
        }
    }

    private CompletionStage<Void> send(OutboundSseEvent event) {
        Pending item = new Pending(event, new CompletableFuture<>());
        synchronized (this) {
            if (done || closing) {
                item.sent().completeExceptionally(new IllegalStateException("SSE stream closed"));
                return item.sent();
            }
            pending.addLast(item);
        }
        drain();
        return item.sent();
    }

    /**
     * Emits what the subscriber has asked for, in order (under the lock: a write that completes at once asks for
     * the next item from within {@code emit}), and completes the stream after the last item when closing.
     */
    private synchronized void drain() {
        while (!done && !pending.isEmpty() && emitter.requested() > 0) {
            Pending next = pending.pollFirst();
            emitter.emit(next.event());
            next.sent().complete(null);
        }
        if (!done && closing && pending.isEmpty()) {
            done = true;
            emitter.complete();
        }
    }

    private void terminated() {
        ArrayDeque<Pending> dropped;
        synchronized (this) {
            done = true;
            dropped = new ArrayDeque<>(pending);
            pending.clear();
        }
        dropped.forEach(p -> p.sent().completeExceptionally(new IllegalStateException("SSE stream closed")));
        onTermination.run();
    }

    @Override
    public synchronized boolean isOpen() {
        return !done && !closing && !emitter.isCancelled();
    }

    @Override
    public void close(Close reason, String detail) {
        synchronized (this) {
            closing = true;
        }
        drain();
    }
}
