package io.trawl.event.websocket;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.trawl.web.Caller;
import io.trawl.web.Problem;
import io.trawl.web.ProblemException;
import io.trawl.web.RefusalMapper;
import io.trawl.support.Refusal;
import io.trawl.event.feed.FeedMessages;
import io.trawl.event.service.HistoryGone;
import io.trawl.event.feed.FeedSubscriber;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What both WebSocket endpoints do with a connection besides feeding it: refuse, attach, close, limit. */
@ApplicationScoped
public class FeedConnections {

    /** The subscriber fed over the connection. */
    static final UserData.TypedKey<FeedSubscriber> SUBSCRIBER = new UserData.TypedKey<>("trawl.subscriber");

    /** Close code of a refused subscription: 4000 + the HTTP status of its problem (4400, 4404). */
    static final int REFUSED_BASE = 4000;
    /** RFC 6455: a message too big to process. */
    static final int TOO_BIG = 1009;

    private final Vertx vertx;

    public FeedConnections(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The tenant the connection reads: its credential's, or for an admin the one named by {@code ?tenant=};
     * empty: an admin reading every tenant.
     */
    Optional<String> tenant(WebSocketConnection connection) {
        Caller caller = connection.userData().get(FeedUpgradeCheck.CALLER);
        if (!caller.isAdmin()) {
            return Optional.of(caller.tenant());
        }
        String named = query(connection, "tenant");
        return named == null || named.isBlank() ? Optional.empty() : Optional.of(named.strip());
    }

    String query(WebSocketConnection connection, String name) {
        return QueryString.first(connection.handshakeRequest().query(), name);
    }

    /** Runs a subscriber's pump on the connection's event loop. */
    Executor executor() {
        Context context = Vertx.currentContext();
        Context target = context != null ? context : vertx.getOrCreateContext();
        return command -> target.runOnContext(v -> command.run());
    }

    /** Remembers the subscriber; if the client is already gone, closes it right away. */
    void attach(WebSocketConnection connection, FeedSubscriber subscriber) {
        connection.userData().put(SUBSCRIBER, subscriber);
        if (connection.isClosed()) {
            subscriber.closed();
        }
    }

    /**
     * The subscription was refused: an error message with the problem, then close with 4000 + status.
     */
    void refuse(WebSocketConnection connection, ProblemException problem) {
        refuse(connection, problem, problem.toProblem(connection.handshakeRequest().path()), null);
    }

    /**
     * A feed service refused the subscription: an error message with its problem (a {@code gone} message when
     * retention deleted the history asked for), then close with 4000 + status.
     */
    void refuse(WebSocketConnection connection, Refusal refusal) {
        ProblemException problem = RefusalMapper.problem(refusal);
        refuse(connection, problem, problem.toProblem(connection.handshakeRequest().path()),
                refusal instanceof HistoryGone gone ? gone : null);
    }

    private void refuse(WebSocketConnection connection, ProblemException problem, Problem body, HistoryGone gone) {
        String message = gone != null
                ? FeedMessages.gone(gone.jobId().toString(), gone.after(), gone.earliestSeq(), body)
                : FeedMessages.error(body);
        connection.sendText(message)
                .chain(() -> connection.close(new CloseReason(REFUSED_BASE + problem.status(), body.title())))
                .subscribe().with(ok -> {
                }, failure -> Log.debugf("refusing %s: %s", connection.id(), failure.toString()));
    }

    void closed(WebSocketConnection connection) {
        FeedSubscriber subscriber = connection.userData().get(SUBSCRIBER);
        if (subscriber != null) {
            subscriber.closed();
        }
    }

    /** A frame or message larger than the limit closes with 1009; other transport errors only end the feed. */
    void error(WebSocketConnection connection, Throwable failure) {
        if (tooBig(failure) && connection.isOpen()) {
            connection.close(new CloseReason(TOO_BIG, "message too big")).subscribe().with(ok -> {
            }, e -> Log.debugf("closing %s: %s", connection.id(), e.toString()));
            return;
        }
        Log.debugf("websocket %s: %s", connection.id(), failure.toString());
    }

    private static boolean tooBig(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CorruptedWebSocketFrameException corrupted
                    && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
                return true;
            }
            if (t instanceof IllegalStateException && t.getMessage() != null
                    && t.getMessage().contains("overflow max message size")) {
                return true;
            }
        }
        return false;
    }
}
