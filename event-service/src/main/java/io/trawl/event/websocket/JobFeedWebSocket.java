package io.trawl.event.websocket;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.trawl.event.feed.Surface;
import io.trawl.event.rest.FeedParams;
import io.trawl.event.service.FeedService;
import io.trawl.support.Refusal;
import io.trawl.web.ProblemException;
import java.util.UUID;

/**
 * {@code /ws/jobs/{id}?after=k}: every stored event of the job with {@code seq > k} in order, a
 * {@code replayed} message, then live events — no gap, no duplicate. A refused subscription (unknown or
 * another tenant's job: 4404; bad {@code after}: 4400) gets an {@code error} message and is closed.
 */
@WebSocket(path = "/ws/jobs/{id}")
public class JobFeedWebSocket extends FeedEndpoint {

    public JobFeedWebSocket(FeedService feeds, FeedConnections connections) {
        super(feeds, connections);
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        var executor = connections.executor();
        UUID id;
        long after;
        try {
            id = FeedParams.jobId(connection.pathParam("id"));
            after = FeedParams.after("after", connections.query(connection, "after"));
        } catch (ProblemException problem) {
            connections.refuse(connection, problem);
            return Uni.createFrom().voidItem();
        }
        return feeds.accept(connections.tenant(connection), id, "after", after)
                .invoke(start -> connections.attach(connection,
                        feeds.open(start, new WebSocketSink(connection), Surface.WS_JOB, executor)))
                .replaceWithVoid()
                .onFailure(Refusal.class).recoverWithItem(refusal -> {
                    connections.refuse(connection, (Refusal) refusal);
                    return null;
                });
    }
}
