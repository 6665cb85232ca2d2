package io.trawl.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerContextsTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    void oneServerAlwaysGetsTheSameContextAndServersSpreadOverSeveral() throws Exception {
        ServerContexts contexts = ServerContexts.of(vertx, 4);
        InetAddress one = InetAddress.getByName("127.0.0.2");
        assertThat(contexts.forServer(one, 8080)).isSameAs(contexts.forServer(InetAddress.getByName("127.0.0.2"), 8080));
        Set<Context> seen = new HashSet<>();
        for (int i = 1; i <= 40; i++) {
            seen.add(contexts.forServer(InetAddress.getByName("127.0.0." + i), 80));
        }
        assertThat(seen).hasSize(4);
    }

    @Test
    void madeOnAVertxThreadTheContextsAreStillDistinctEventLoops() throws Exception {
        CompletableFuture<ServerContexts> made = new CompletableFuture<>();
        vertx.runOnContext(v -> made.complete(ServerContexts.of(vertx, 4)));
        ServerContexts contexts = made.get(10, TimeUnit.SECONDS);
        Set<Context> seen = new HashSet<>();
        for (int i = 1; i <= 40; i++) {
            seen.add(contexts.forServer(InetAddress.getByName("127.0.0." + i), 80));
        }
        assertThat(seen).hasSize(4).allMatch(Context::isEventLoopContext);
    }

    @Test
    void zeroContextsIsRefused() {
        assertThatThrownBy(() -> ServerContexts.of(vertx, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
