package io.trawl.event.feed;

import java.util.concurrent.CompletionStage;

/**
 * A subscriber's transport (a WebSocket connection or an SSE response). Sends are issued in call order; the
 * returned stage completes when the transport has taken the message (written to the socket, or accepted under
 * the transport's own backpressure), so waiting for it bounds what is in flight.
 */
public interface FeedSink {

    /** Why a feed ends from the server side. */
    enum Close {
        /** The subscriber fell behind; a resync message was sent. */
        RESYNC,
        /** The server failed (e.g. Postgres unreachable); the client should reconnect with its last seq. */
        FAILED
    }

    CompletionStage<Void> sendEvent(FeedEvent event);

    /** A control message ({@link FeedMessages}) of the given type. */
    CompletionStage<Void> sendControl(String type, String json);

    /** Whether the transport is still open. */
    boolean isOpen();

    /** Ends the feed after what was sent before. */
    void close(Close reason, String detail);
}
