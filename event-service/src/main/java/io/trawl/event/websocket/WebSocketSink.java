package io.trawl.event.websocket;

import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.trawl.event.feed.FeedEvent;
import io.trawl.event.feed.FeedSink;
import java.util.concurrent.CompletionStage;

/** A feed over a WebSocket connection: one text message per event or control message. */
final class WebSocketSink implements FeedSink {

    /** Close code after a resync: reconnect with the given {@code after}. */
    static final int RESYNC = 1013;
    /** Close code when the server failed: reconnect with your last seq. */
    static final int FAILED = 1011;

    private final WebSocketConnection connection;

    WebSocketSink(WebSocketConnection connection) {
        this.connection = connection;
    }

    @Override
    public CompletionStage<Void> sendEvent(FeedEvent event) {
        return connection.sendText(event.json()).subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Void> sendControl(String type, String json) {
        return connection.sendText(json).subscribeAsCompletionStage();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close(Close reason, String detail) {
        if (connection.isClosed()) {
            return;
        }
        int code = reason == Close.RESYNC ? RESYNC : FAILED;
        connection.close(new CloseReason(code, detail)).subscribe().with(ok -> {
        }, failure -> Log.debugf("closing %s: %s", connection.id(), failure.toString()));
    }
}
