package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.JobFixtures;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 across the replay→live handover: a job produces 20,000 events as fast as it can (several
 * producers, each appending in its own transactions and publishing after commit, so events also arrive out of
 * order; about 1% of the publishes are "lost") while 20 WebSocket clients connect at random moments with
 * random {@code after} values; some
 * disconnect and reconnect with their last seq, and any that gets a resync reconnects from it. Every client
 * must end with exactly {@code after+1..N}, in order.
 */
@QuarkusTest
class HandoverTest {

    static final int EVENTS = 20_000;
    static final int CLIENTS = 20;
    static final int PRODUCERS = 4;

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @Inject
    MeterRegistry registry;

    @Test
    void everyClientEndsWithExactlyAfterPlusOneToNInOrder() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        Random random = new Random(42);
        AtomicLong committed = new AtomicLong();
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger unpublished = new AtomicInteger();

        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            // Connect once the job has this many events (the last ones only after production ended).
            long startAt = i == CLIENTS - 1 ? EVENTS : (long) (random.nextDouble() * EVENTS * 0.85);
            int reconnects = i % 3 == 0 ? 3 : 0;
            clients.add(new Client(i, job, startAt, reconnects, new Random(random.nextLong())));
        }

        ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int p = 0; p < PRODUCERS; p++) {
            Random lane = new Random(random.nextLong());
            running.add(producers.submit(() -> {
                try (Channel channel = fixtures.channel()) {
                    while (true) {
                        int want = 1 + lane.nextInt(3);
                        int first = claimed.getAndAdd(want);
                        if (first >= EVENTS) {
                            return null;
                        }
                        List<EventEnvelope> stored = fixtures.append(job, Math.min(want, EVENTS - first));
                        committed.accumulateAndGet(stored.get(stored.size() - 1).seq(), Math::max);
                        if (lane.nextInt(100) == 0) {
                            unpublished.addAndGet(stored.size()); // a lost publish: healed from Postgres
                        } else {
                            JobFixtures.publish(channel, stored);
                        }
                    }
                }
            }));
        }

        try {
            // The test thread drives connects and reconnects; callbacks only record and flag.
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (!clients.stream().allMatch(c -> c.done(EVENTS))) {
                assertThat(System.nanoTime()).as("clients still behind: %s", clients).isLessThan(deadline);
                for (Client client : clients) {
                    client.tick(committed.get());
                }
                Thread.sleep(5);
            }
            for (Future<?> producer : running) {
                producer.get();
            }
        } finally {
            producers.shutdownNow();
            clients.forEach(Client::close);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        Log.infof("handover: %d events (%d never published), %d clients in %d ms; reconnects %d, resyncs %d, "
                + "gap heals %.0f", EVENTS, unpublished.get(), CLIENTS, millis,
                clients.stream().mapToInt(c -> c.connections.get() - 1).sum(),
                clients.stream().mapToInt(c -> c.resyncs.get()).sum(),
                registry.find("trawl.feed.gap.heals").counters().stream().mapToDouble(c -> c.count()).sum());

        for (Client client : clients) {
            assertThat(client.violation.get()).as("client %d", client.id).isNull();
            assertThat(client.seqs).as("client %d (after=%d)", client.id, client.after)
                    .hasSize((int) (EVENTS - client.after));
            for (int i = 0; i < client.seqs.size(); i++) {
                if (client.seqs.get(i) != client.after + 1 + i) {
                    throw new AssertionError("client " + client.id + ": event #" + i + " is "
                            + client.seqs.get(i) + ", expected " + (client.after + 1 + i));
                }
            }
        }
        assertThat(clients.stream().mapToInt(c -> c.connections.get()).sum())
                .as("some clients reconnected").isGreaterThan(CLIENTS);
    }

    /** One WebSocket client of the job: its own first {@code after}, the seqs it got, its reconnect plan. */
    final class Client {
        final int id;
        final long startAt;
        final Random random;
        final List<Long> seqs = new ArrayList<>();
        final AtomicReference<String> violation = new AtomicReference<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger resyncs = new AtomicInteger();
        final AtomicInteger generation = new AtomicInteger();
        volatile long after = -1;
        volatile long last;
        volatile boolean reconnect;
        volatile long dropAfter = Long.MAX_VALUE;
        int reconnectsLeft;
        final UUID jobId;
        WebSocketClientConnection connection;

        Client(int id, UUID jobId, long startAt, int reconnects, Random random) {
            this.id = id;
            this.jobId = jobId;
            this.startAt = startAt;
            this.reconnectsLeft = reconnects;
            this.random = random;
        }

        boolean done(long n) {
            return last == n && after >= 0;
        }

        void tick(long committed) {
            if (after < 0) {
                if (committed >= startAt && committed > 0) {
                    after = (long) (random.nextDouble() * committed);
                    last = after;
                    connect();
                }
                return;
            }
            if (last >= dropAfter && reconnectsLeft > 0 && connection != null && connection.isOpen()) {
                reconnectsLeft--;
                synchronized (this) {
                    // Our own close: its stragglers are ignored and its onClose asks for no second reconnect.
                    generation.incrementAndGet();
                }
                connection.closeAndAwait();
                reconnect = true;
            }
            if (reconnect) {
                reconnect = false;
                connect();
            }
        }

        private void connect() {
            connections.incrementAndGet();
            int current;
            long from;
            synchronized (this) {
                current = generation.incrementAndGet();
                from = last;
            }
            dropAfter = reconnectsLeft > 0 ? from + 100 + random.nextInt(3000) : Long.MAX_VALUE;
            connection = BasicWebSocketConnector.create()
                    .baseUri(URI.create(base.toString().replaceAll("/+$", "") + "/?after=" + from))
                    .path("/ws/jobs/" + jobId)
                    .addHeader("Authorization", "Bearer test-key")
                    .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                    .onTextMessage((c, text) -> received(current, text))
                    .onClose((c, reason) -> {
                        // Closed by the server (a resync): reconnect from the last seq received.
                        if (current == generation.get() && last < EVENTS) {
                            reconnect = true;
                        }
                    })
                    .connectAndAwait();
        }

        /** Messages of a connection we closed are ignored: the new one replays from {@code last}. */
        private synchronized void received(int connection, String text) {
            if (connection != generation.get()) {
                return;
            }
            JsonNode node = WireJson.tree(text);
            if (!node.has("seq")) {
                if ("resync".equals(node.path("type").asText())) {
                    resyncs.incrementAndGet();
                    if (node.path("after").asLong() != last) {
                        violation.compareAndSet(null, "resync after " + node.path("after") + " but last was " + last);
                    }
                }
                return;
            }
            long seq = node.get("seq").asLong();
            if (seq != last + 1) {
                violation.compareAndSet(null, "got " + seq + " after " + last);
            }
            synchronized (seqs) {
                seqs.add(seq);
            }
            last = seq;
        }

        void close() {
            if (connection != null && connection.isOpen()) {
                connection.closeAndAwait();
            }
        }

        @Override
        public String toString() {
            return "#" + id + "(after=" + after + ", last=" + last + ", connections=" + connections + ")";
        }
    }
}
