package io.trawl.event.websocket;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.trawl.web.ProblemException;
import io.trawl.event.feed.FirehoseFilter;
import io.trawl.event.service.FeedService;

/**
 * {@code /ws/events?types=task.failed,job.completed&status=running}: live events of all the tenant's jobs
 * (each job's in order), optionally only of some event types and of jobs in some statuses. Live only.
 */
@WebSocket(path = "/ws/events")
public class TenantFeedWebSocket {

    private final FeedService feeds;
    private final FeedConnections connections;

    public TenantFeedWebSocket(FeedService feeds, FeedConnections connections) {
        this.feeds = feeds;
        this.connections = connections;
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection connection) {
        FirehoseFilter filter;
        try {
            filter = feeds.filter(connections.query(connection, "types"), connections.query(connection, "status"));
        } catch (ProblemException problem) {
            connections.refuse(connection, problem);
            return;
        }
        connections.attach(connection, feeds.openFirehose(connections.tenant(connection), filter,
                new WebSocketSink(connection), connections.executor()));
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
