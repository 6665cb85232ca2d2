package io.trawl.event.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.common.message.Topology;
import io.trawl.common.message.TopologyDeclarer;
import io.trawl.event.config.TrawlConfig;
import io.trawl.support.BrokerConnections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This replica's subscription to {@code trawl.events}, with the plain RabbitMQ Java client: its own queue
 * {@code trawl.events.feed.<quarkus.uuid>} (exclusive, auto-delete, non-durable, bound with {@code job.#},
 * {@code x-max-length} with drop-head), consumed with automatic acknowledgement, every body handed to the
 * {@link EventConsumer} on the client's delivery thread.
 * <p>
 * Why automatic acknowledgement: the queue is this connection's own and dies with it, so an unacknowledged
 * message could never be redelivered to anybody; what a replica misses is healed from Postgres either way.
 * Acking each message (two per page fetched) cost a channel operation per event, and the SmallRye connector
 * this replaces handed every event through the Vert.x RabbitMQ client and a Mutiny buffer before the feed saw
 * it — the tail of the event latency during a crawl (docs/performance.md, sixth pass). The broker still bounds
 * what waits for this replica: the queue's length limit, and TCP flow control when the delivery thread falls
 * behind.
 * <p>
 * Recovery is ours, as in scrape-service's consumers: the client's automatic recovery is off, and when the
 * connection or the channel closes, a new connection declares the shared topology ({@link TopologyDeclarer})
 * and this queue again, every {@link #RECONNECT_INTERVAL} while the broker is down. Connecting and declaring
 * run on one thread of ours, never on an event loop.
 */
@ApplicationScoped
public class EventQueueConnection {

    /** Pause between connection attempts while the broker is unreachable. */
    static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(2);
    /** The client-provided connection name (shown by {@code rabbitmqctl list_connections client_properties}). */
    public static final String CLIENT_NAME = "event-service-feed";
    /** The binding that routes every job's events to this replica's queue. */
    static final String EVERY_JOB = "job.#";

    private final TrawlConfig.Rabbitmq config;
    private final EventConsumer consumer;
    private final String queue;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> named(r, "trawl-events-connect"));
    private final ExecutorService deliveries = Executors.newSingleThreadExecutor(r -> named(r, "trawl-events-consume"));
    private volatile Connection connection;
    private volatile Channel channel;
    private volatile boolean stopping;
    private volatile boolean reconnectScheduled;

    public EventQueueConnection(TrawlConfig config, EventConsumer consumer,
            @ConfigProperty(name = "quarkus.uuid") String uuid) {
        this.config = config.rabbitmq();
        this.consumer = consumer;
        this.queue = "trawl.events.feed." + uuid;
    }

    void onStart(@Observes StartupEvent event) {
        submit(this::connect);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        submit(() -> BrokerConnections.closeQuietly(connection, "event feed"));
        io.shutdown();
        try {
            io.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.shutdown();
    }

    /** This replica's queue. */
    public String queue() {
        return queue;
    }

    /** True while the connection and the consuming channel are open (readiness). */
    public boolean isConsuming() {
        Connection conn = connection;
        Channel ch = channel;
        return conn != null && conn.isOpen() && ch != null && ch.isOpen();
    }

    private void connect() {
        reconnectScheduled = false;
        while (!stopping && !isConsuming()) {
            Connection old = connection;
            connection = null;
            channel = null;
            if (old != null) {
                old.abort(1_000); // its listeners see it is no longer current
            }
            Connection conn = null;
            try {
                conn = BrokerConnections.consumerFactory(config).newConnection(deliveries, CLIENT_NAME);
                Channel ch = conn.createChannel();
                TopologyDeclarer.declare(ch);
                ch.queueDeclare(queue, false, true, true, Map.of("x-max-length", config.queueMaxLength(),
                        "x-overflow", "drop-head"));
                ch.queueBind(queue, Topology.EVENTS_EXCHANGE, EVERY_JOB);
                ch.basicConsume(queue, true, CLIENT_NAME + "-" + queue, new Deliveries(ch));
                connection = conn;
                channel = ch;
                // Registered last: a close that already happened is reported at once, and a reconnect then finds
                // this connection and channel set.
                Connection current = conn;
                conn.addShutdownListener(cause -> lost(current, cause));
                ch.addShutdownListener(cause -> lost(current, cause));
                Log.infof("consuming trawl.events through %s (RabbitMQ %s:%d vhost %s)", queue, config.host(),
                        config.port(), config.vhost());
            } catch (IOException | TimeoutException | RuntimeException e) {
                if (conn != null) {
                    conn.abort(1_000);
                }
                Log.warnf("cannot consume trawl.events from RabbitMQ %s:%d now (%s); retrying in %s", config.host(),
                        config.port(), e.getMessage(), RECONNECT_INTERVAL);
                sleep(RECONNECT_INTERVAL.toMillis());
            }
        }
    }

    private void lost(Connection of, ShutdownSignalException cause) {
        if (stopping || reconnectScheduled || of != connection) {
            return;
        }
        reconnectScheduled = true;
        Log.warnf("the trawl.events consumer lost its %s: %s; reconnecting (the feed heals from Postgres meanwhile)",
                cause.isHardError() ? "connection" : "channel", cause.getMessage());
        submit(() -> {
            sleep(Math.min(500, RECONNECT_INTERVAL.toMillis()));
            connect();
        });
    }

    private void submit(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Hands every delivery's body to the {@link EventConsumer}; one failing message never stops the rest. */
    private final class Deliveries extends DefaultConsumer {

        Deliveries(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                consumer.consume(body);
            } catch (RuntimeException e) {
                Log.errorf(e, "an event from trawl.events failed in the feed; dropped (healed from Postgres)");
            }
        }

        /** The broker cancelled the consumer (its queue was deleted): start over with a new connection. */
        @Override
        public void handleCancel(String tag) {
            Log.warnf("the broker cancelled the trawl.events consumer of %s; reconnecting", queue);
            submit(() -> {
                Connection conn = connection;
                if (conn != null) {
                    conn.abort(1_000);
                }
            });
        }
    }

    private static Thread named(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
