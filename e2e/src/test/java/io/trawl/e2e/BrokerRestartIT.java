package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.system.Shell;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: the RabbitMQ broker is stopped mid-crawl and started again ({@code rabbitmqctl stop_app} /
 * {@code start_app}: every connection of every service drops, the quorum queue keeps its messages). Work stalls,
 * the services reconnect by themselves, and the job completes with the exact item set.
 *
 * <p>This stops the one local broker for a few seconds, which every other user of it notices. A detached
 * {@code sleep 90; rabbitmqctl start_app} is started first, so the broker comes back even if this JVM dies in
 * between. The reaper's queued-timeout is the production default (10 min): every task must come back through
 * redelivery, never through that timeout (acks are bound to the delivering channel, docs/hardening-worker.md).
 */
@ExtendWith(E2e.class)
@Order(7)
@DisplayName("5: RabbitMQ restarted mid-crawl — services reconnect by themselves, the job completes exactly")
class BrokerRestartIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void restartTheBroker() throws Exception {
        crawl = Crawl.start(env, new DirectorySite("broker", 3, 10, 20), "e2e broker restart"); // 631 pages
        crawl.awaitDone(100, Duration.ofSeconds(60));
        Process safetyNet = new ProcessBuilder("sh", "-c", "sleep 90; rabbitmqctl -q start_app")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        JsonNode down;
        java.time.Instant back;
        try {
            long t0 = System.nanoTime();
            Shell.rabbitmqctl("stop_app");
            E2eEnvironment.log("RabbitMQ stopped (%.1f s) at %s", (System.nanoTime() - t0) / 1e9,
                    crawl.job().path("progress"));
            TrawlApi.sleep(4000);
            down = crawl.job();
            E2eEnvironment.log("4 s without a broker: %s %s", down.path("status").asText(), down.path("tasks"));
        } finally {
            long t0 = System.nanoTime();
            Shell.rabbitmqctl("start_app");
            Shell.rabbitmqctl("await_startup");
            back = java.time.Instant.now();
            E2eEnvironment.log("RabbitMQ started again (%.1f s)", (System.nanoTime() - t0) / 1e9);
            safetyNet.destroy();
        }
        assertThat(down.path("status").asText()).as("status while the broker was down: " + TrawlApi.summary(down))
                .isEqualTo("running");

        long t0 = System.nanoTime();
        env.system.awaitAllReady(Duration.ofSeconds(90));
        E2eEnvironment.log("every service ready again %.1f s after the broker came back", (System.nanoTime() - t0) / 1e9);
        crawl.awaitCompleted(Duration.ofMinutes(3));
        crawl.assertExactlyComplete();

        // event-service's own RabbitMQ consumer must be back too: without it the feed still completes (the
        // 5 s tail check heals from Postgres), but every event then arrives seconds late. A fresh small crawl
        // after the restart measures how events reach a WebSocket client now.
        long[] latency = liveLatencyOfAFreshCrawl();
        E2eEnvironment.log("after the restart: live event latency p50 %d ms, p90 %d ms over %d events; %s", latency[0],
                latency[1], latency[2], env.system.event().grep("BackPressureFailure").isEmpty() ? "no consumer failure"
                        : "event-service logged: " + env.system.event().grep("BackPressureFailure").get(0));
        assertThat(latency[0]).as("median event latency (event time → WebSocket) of a crawl after the broker restart, "
                + "ms; about 5 ms with a working RabbitMQ consumer, seconds when event-service only polls Postgres "
                + "(its tail check); event-service log: " + env.system.event().grep("SRMSG00201")).isLessThan(500);
    }

    static long[] liveLatencyOfAFreshCrawl() {
        try (Crawl after = Crawl.start(env, new DirectorySite("after-broker", 1, 5, 20), "e2e after broker restart")) {
            after.awaitCompleted(Duration.ofMinutes(2));
            after.feed.awaitTerminal(Duration.ofSeconds(30));
            long[] ms = after.feed.received().stream().filter(r -> r.live())
                    .mapToLong(r -> Duration.between(r.time(), r.receivedAt()).toMillis()).sorted().toArray();
            return new long[] {ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms.length};
        }
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
