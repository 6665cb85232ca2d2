package io.trawl.event.websocket;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.trawl.event.service.FeedService;

/**
 * What the two feed endpoints share: the services they open feeds with, and the end of a connection (a client
 * gone or a transport error ends its feed). The {@code @OnClose} and {@code @OnError} callbacks declared here are
 * the subclasses' (WebSockets Next collects callbacks up the class hierarchy).
 */
public abstract class FeedEndpoint {

    protected final FeedService feeds;
    protected final FeedConnections connections;

    protected FeedEndpoint(FeedService feeds, FeedConnections connections) {
        this.feeds = feeds;
        this.connections = connections;
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection connection) {
        connections.closed(connection);
    }

    @OnError
    @NonBlocking
    public void error(WebSocketConnection connection, Throwable failure) {
        connections.error(connection, failure);
    }
}
