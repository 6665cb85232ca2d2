package io.trawl.event.websocket;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.trawl.event.feed.FirehoseFilter;
import io.trawl.event.rest.FeedParams;
import io.trawl.event.service.FeedService;
import io.trawl.web.ProblemException;

/**
 * {@code /ws/events?types=task.failed,job.completed&status=running}: live events of all the tenant's jobs
 * (each job's in order), optionally only of some event types and of jobs in some statuses. Live only.
 */
@WebSocket(path = "/ws/events")
public class TenantFeedWebSocket extends FeedEndpoint {

    public TenantFeedWebSocket(FeedService feeds, FeedConnections connections) {
        super(feeds, connections);
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection connection) {
        FirehoseFilter filter;
        try {
            filter = FeedParams.filter(connections.query(connection, "types"), connections.query(connection, "status"));
        } catch (ProblemException problem) {
            connections.refuse(connection, problem);
            return;
        }
        connections.attach(connection, feeds.openFirehose(connections.tenant(connection), filter,
                new WebSocketSink(connection), connections.executor()));
    }
}
