package io.trawl.scrape.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventSink;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.Topology;
import io.trawl.common.message.TopologyDeclarer;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.support.BrokerConnections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes committed events to the {@code trawl.events} topic exchange (routing key {@code job.<id>.<type>}),
 * persistent, not mandatory, with the plain RabbitMQ Java client on a connection of its own. Best effort by
 * design: the events are in Postgres already and event-service heals gaps from there, so a lost publish is
 * counted, never retried, never fails the task.
 * <p>
 * Why not the SmallRye connector (as before): its outgoing sender reads several connector settings through
 * SmallRye Config for every message, and those lookups were the largest single cost of the worker's event loop
 * in the profile (docs/performance.md). Publishes run in order on one thread of ours, never on an event loop;
 * with no broker they are dropped and counted at once, so a broker outage never backs up the worker.
 */
@ApplicationScoped
public class EventPublisher implements EventSink {

    static final int MAX_QUEUED = 20_000;
    static final java.time.Duration RECONNECT_INTERVAL = AmqpConsumers.RECONNECT_INTERVAL;

    private final ScrapeConfig config;
    private final Counter lost;
    private final Timer lag;
    private final java.time.Clock clock;
    /** Events waiting for the publishing thread; beyond {@link #MAX_QUEUED} they are dropped (and healed). */
    private final AtomicInteger queued = new AtomicInteger();
    private final ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trawl-amqp-events");
        t.setDaemon(true);
        return t;
    });
    private volatile Connection connection;
    private volatile Channel channel;
    private volatile boolean stopping;

    public EventPublisher(ScrapeConfig config, MeterRegistry registry, java.time.Clock clock) {
        this.config = config;
        this.clock = clock;
        this.lag = Timer.builder("trawl.events.publish.lag")
                .description("From an event's commit (its time) to its publish to RabbitMQ")
                .publishPercentileHistogram()
                .register(registry);
        this.lost = Counter.builder("trawl.events.publish.failures")
                .description("Committed events whose publish to RabbitMQ failed (healed from Postgres)")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        io.execute(this::connect);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        io.execute(() -> BrokerConnections.closeQuietly(connection, "events"));
        io.shutdown();
    }

    /** Publishes after commit; never throws. */
    @Override
    public void publish(List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return;
        }
        if (queued.addAndGet(events.size()) > MAX_QUEUED) {
            queued.addAndGet(-events.size());
            lost.increment(events.size());
            return;
        }
        try {
            io.execute(() -> {
                queued.addAndGet(-events.size());
                send(events);
            });
        } catch (RejectedExecutionException e) {
            queued.addAndGet(-events.size());
            lost.increment(events.size());
        }
    }

    private void send(List<EventEnvelope> events) {
        Channel ch = channel;
        if (ch == null || !ch.isOpen()) {
            lost.increment(events.size());
            Log.debugf("%d events not published (RabbitMQ not connected); readers heal from Postgres", events.size());
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope event = events.get(i);
            try {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .type(event.type())
                        .build();
                ch.basicPublish(Topology.EVENTS_EXCHANGE, event.routingKey(), false, props, WireJson.encode(event));
                if (event.time() != null) {
                    lag.record(Math.max(0, clock.millis() - event.time().toEpochMilli()), TimeUnit.MILLISECONDS);
                }
            } catch (IOException | RuntimeException e) {
                lost.increment(events.size() - i);
                Log.debugf("event %s/%d not published (%s); readers heal from Postgres", event.jobId(), event.seq(),
                        e.getMessage());
                return;
            }
        }
    }

    /** One connection attempt; on failure the next one is scheduled, publishes meanwhile are dropped and counted. */
    private void connect() {
        if (stopping || connection != null) {
            return;
        }
        try {
            ConnectionFactory factory = BrokerConnections.factory(config.rabbitmq());
            // A publisher holds no delivery tags, so the client's own recovery is safe here (unlike consumers).
            factory.setAutomaticRecoveryEnabled(true);
            factory.setTopologyRecoveryEnabled(false);
            factory.setNetworkRecoveryInterval(RECONNECT_INTERVAL.toMillis());
            factory.setRequestedHeartbeat(10);
            factory.setConnectionTimeout(5_000);
            Connection conn = factory.newConnection("scrape-service-events");
            Channel ch = conn.createChannel();
            TopologyDeclarer.declare(ch);
            connection = conn;
            channel = ch;
        } catch (IOException | TimeoutException | RuntimeException e) {
            Log.warnf("RabbitMQ %s:%d not reachable for events (%s); retrying in %s", config.rabbitmq().host(),
                    config.rabbitmq().port(), e.getMessage(), RECONNECT_INTERVAL);
            try {
                io.schedule(this::connect, RECONNECT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // shutting down
            }
        }
    }
}
