package io.trawl.event.websocket;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.trawl.web.ProblemException;
import io.trawl.event.feed.Surface;
import io.trawl.event.service.FeedService;

/**
 * {@code /ws/jobs/{id}?after=k}: every stored event of the job with {@code seq > k} in order, a
 * {@code replayed} message, then live events — no gap, no duplicate. A refused subscription (unknown or
 * another tenant's job: 4404; bad {@code after}: 4400) gets an {@code error} message and is closed.
 */
@WebSocket(path = "/ws/jobs/{id}")
public class JobFeedWebSocket {

    private final FeedService feeds;
    private final FeedConnections connections;

    public JobFeedWebSocket(FeedService feeds, FeedConnections connections) {
        this.feeds = feeds;
        this.connections = connections;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        var executor = connections.executor();
        return feeds.accept(connections.tenant(connection), connection.pathParam("id"), "after",
                        connections.query(connection, "after"))
                .invoke(start -> connections.attach(connection,
                        feeds.open(start, new WebSocketSink(connection), Surface.WS_JOB, executor)))
                .replaceWithVoid()
                .onFailure(ProblemException.class).recoverWithItem(problem -> {
                    connections.refuse(connection, (ProblemException) problem);
                    return null;
                });
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
