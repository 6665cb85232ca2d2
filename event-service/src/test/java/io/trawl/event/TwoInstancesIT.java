package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.support.DatabaseSchema;
import io.trawl.event.support.JobFixtures;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two event-service replicas from the built jar — the one {@code @QuarkusIntegrationTest} launches and a second
 * process this test starts — each consume {@code trawl.events} through their own exclusive queue and deliver
 * every event to their own subscribers (job feed and tenant firehose). The tail check is switched off and both
 * replicas must report zero gap heals, so every event reached each of them through RabbitMQ (with one shared
 * queue, each would see about half of them and heal the rest from Postgres).
 */
@QuarkusIntegrationTest
@WithTestResource(value = TwoInstancesIT.FastPathOnly.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class TwoInstancesIT {

    static final int EVENTS = 300;
    static final Duration WAIT = Duration.ofSeconds(60);

    /** Both replicas run with the tail check off, so only RabbitMQ can deliver live events. */
    public static class FastPathOnly implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("trawl.feed.tail-check-interval", "1h");
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource("/")
    URI first;

    static Process second;
    static int secondPort;
    static Vertx vertx;
    static Pool pool;
    static JobFixtures fixtures;

    @BeforeAll
    static void startSecondReplica() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            secondPort = socket.getLocalPort();
        }
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        second = new ProcessBuilder(java, "-Dquarkus.profile=test", "-Dquarkus.http.port=" + secondPort,
                "-Dtrawl.feed.tail-check-interval=1h", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(Path.of("target")).resolve("second-replica.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + secondPort + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

        vertx = Vertx.vertx();
        pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(env("TRAWL_DB_HOST", "127.0.0.1"))
                        .setPort(Integer.parseInt(env("TRAWL_DB_PORT", "5432"))).setDatabase(DatabaseSchema.SPACE)
                        .setUser(env("TRAWL_DB_USER", "trawl")).setPassword(env("TRAWL_DB_PASSWORD", "trawl")))
                .using(io.vertx.mutiny.core.Vertx.newInstance(vertx)).build();
        fixtures = new JobFixtures(pool, new Broker());
    }

    @AfterAll
    static void stopSecondReplica() throws Exception {
        if (fixtures != null) {
            fixtures.close();
        }
        if (pool != null) {
            pool.close().await().atMost(WAIT);
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (second != null) {
            second.destroy();
            if (!second.waitFor(15, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    @Test
    void bothReplicasDeliverEveryEventToTheirOwnSubscribers() throws Exception {
        int firstPort = first.getPort();
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        Subscriber onFirst = Subscriber.connect(firstPort, "/ws/jobs/" + job + "?after=0");
        Subscriber onSecond = Subscriber.connect(secondPort, "/ws/jobs/" + job + "?after=0");
        Subscriber firehoseFirst = Subscriber.connect(firstPort, "/ws/events");
        Subscriber firehoseSecond = Subscriber.connect(secondPort, "/ws/events");
        try {
            await().atMost(WAIT).until(() -> onFirst.replayed && onSecond.replayed);

            fixtures.appendAndPublish(job, EVENTS);

            List<Long> all = LongStream.rangeClosed(1, EVENTS).boxed().toList();
            await().atMost(WAIT).until(() -> onFirst.seqs.size() >= EVENTS && onSecond.seqs.size() >= EVENTS
                    && firehoseFirst.seqs.size() >= EVENTS && firehoseSecond.seqs.size() >= EVENTS);
            assertThat(onFirst.seqs).isEqualTo(all);
            assertThat(onSecond.seqs).isEqualTo(all);
            assertThat(firehoseFirst.seqs).isEqualTo(all);
            assertThat(firehoseSecond.seqs).isEqualTo(all);
            assertThat(gapHeals(firstPort)).as("gap heals on the first replica").isZero();
            assertThat(gapHeals(secondPort)).as("gap heals on the second replica").isZero();
        } finally {
            for (Subscriber s : List.of(onFirst, onSecond, firehoseFirst, firehoseSecond)) {
                s.close();
            }
        }
    }

    /** Sum of trawl_feed_gap_heals_total of one replica. */
    private static double gapHeals(int port) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^trawl_feed_gap_heals_total\\{[^}]*} ([0-9.Ee+-]+)$").matcher(metrics);
        double sum = 0;
        int lines = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            lines++;
        }
        assertThat(lines).as("gap heal meters on port %d", port).isPositive();
        return sum;
    }

    /** A WebSocket client (Vert.x core) that records the seqs of the envelopes it receives. */
    static final class Subscriber {
        final List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        volatile boolean replayed;
        WebSocket socket;

        static Subscriber connect(int port, String uri) throws Exception {
            Subscriber s = new Subscriber();
            CompletableFuture<WebSocket> open = new CompletableFuture<>();
            vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
                    .setURI(uri).addHeader("Authorization", "Bearer test-key"), ar -> {
                        if (ar.failed()) {
                            open.completeExceptionally(ar.cause());
                            return;
                        }
                        ar.result().textMessageHandler(s::received);
                        open.complete(ar.result());
                    });
            s.socket = open.get(20, TimeUnit.SECONDS);
            return s;
        }

        private void received(String text) {
            JsonNode node = WireJson.tree(text);
            if (node.has("seq")) {
                seqs.add(node.get("seq").asLong());
            } else if ("replayed".equals(node.path("type").asText())) {
                replayed = true;
            }
        }

        void close() {
            if (socket != null && !socket.isClosed()) {
                socket.close();
            }
        }
    }

    /** RabbitMQ settings of the test vhost (environment overrides as for the service). */
    static final class Broker implements TrawlConfig.Rabbitmq {
        @Override
        public String host() {
            return env("TRAWL_RABBITMQ_HOST", "127.0.0.1");
        }

        @Override
        public int port() {
            return Integer.parseInt(env("TRAWL_RABBITMQ_PORT", "5672"));
        }

        @Override
        public String user() {
            return env("TRAWL_RABBITMQ_USER", "guest");
        }

        @Override
        public String password() {
            return env("TRAWL_RABBITMQ_PASSWORD", "guest");
        }

        @Override
        public String vhost() {
            return DatabaseSchema.SPACE;
        }

        @Override
        public int queueMaxLength() {
            return 100_000;
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
