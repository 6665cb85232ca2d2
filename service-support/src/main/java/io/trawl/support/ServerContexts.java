package io.trawl.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetAddress;

/**
 * The event-loop context an HTTP client issues every request to one server address from, so that the
 * server's pooled connections and the requests on them share one thread.
 * <p>
 * Why it matters: {@code HttpClientRequest.reset()} called off the connection's own thread is queued to it,
 * and by the time it runs the response may have ended and the connection gone back to the pool, lent to
 * another request, which the reset then kills ("Connection was closed"). Called on the connection's thread, a
 * reset runs at once, before the response's end is handled. The fetcher and the webhook client reset
 * connections on purpose (unread error bodies, redirects, cut bodies, timeouts).
 */
public final class ServerContexts {

    private final Context[] loops;

    private ServerContexts(Context[] loops) {
        this.loops = loops;
    }

    /** Two contexts per core (Vert.x's default number of event loops), the loops taken in turn. */
    public static ServerContexts of(Vertx vertx) {
        return of(vertx, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code count} contexts, each made on a thread of its own: off a Vert.x thread {@code getOrCreateContext()}
     * makes a new context on the next event loop and then keeps returning it to that thread, and on a Vert.x
     * thread (a CDI producer may run there) it returns that thread's context.
     */
    public static ServerContexts of(Vertx vertx, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one context, not " + count);
        }
        Context[] loops = new Context[count];
        for (int i = 0; i < count; i++) {
            int slot = i;
            Thread maker = new Thread(() -> loops[slot] = vertx.getOrCreateContext(), "server-context-" + i);
            maker.start();
            try {
                maker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while making event-loop contexts", e);
            }
        }
        return new ServerContexts(loops);
    }

    /** The one context for requests to {@code address}:{@code port}. */
    public Context forServer(InetAddress address, int port) {
        return loops[Math.floorMod(31 * address.hashCode() + port, loops.length)];
    }
}
