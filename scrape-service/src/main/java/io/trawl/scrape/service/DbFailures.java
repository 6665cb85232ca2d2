package io.trawl.scrape.service;

import io.vertx.pgclient.PgException;

/** Tells an outage (connection lost, server restarting, serialization conflict) from a real error. Pure. */
public final class DbFailures {

    private DbFailures() {
    }

    /** True when the same statement may well succeed later. */
    public static boolean isTransient(Throwable t) {
        if (t instanceof PgException pg) {
            String state = pg.getSqlState() == null ? "" : pg.getSqlState();
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                    || state.equals("40001") || state.equals("40P01") || state.equals("55P03");
        }
        // Anything that is not a server error: closed or refused connections, pool timeouts.
        return t instanceof java.io.IOException || t instanceof io.vertx.core.VertxException
                || t instanceof java.util.concurrent.TimeoutException
                || t.getClass().getName().startsWith("io.vertx.") || t.getClass().getName().startsWith("io.netty.");
    }
}
