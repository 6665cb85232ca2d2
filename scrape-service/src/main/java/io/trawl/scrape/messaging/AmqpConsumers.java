package io.trawl.scrape.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.trawl.common.message.TopologyDeclarer;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.support.BrokerConnections;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * scrape-service's consuming connection to RabbitMQ, with the plain RabbitMQ Java client: one channel per
 * consumer, and every delivery settled on the channel that delivered it ({@link Delivery#ack()}).
 * <p>
 * Why not the SmallRye connector: after a reconnect it acks by delivery tag on whatever channel is current, so
 * an old tag acks an unrelated message of the new channel (never redelivered if the pod then dies) or an
 * unknown one (a channel error that redelivers everything, raising delivery counts towards the limit).
 * <p>
 * The client's automatic recovery is off; recovery is ours: when the connection (or a consumer's channel) goes
 * away we open a new connection and new channel objects. A delivery keeps the channel object it came from, so
 * settling a delivery of a dead channel finds it closed and does nothing — the broker redelivers that message
 * anyway, and the claim in Postgres makes the redelivery harmless. A tag is never sent on a channel that did not
 * deliver it. All broker I/O (connect, declare, ack) runs on one thread of ours, never on an event loop.
 */
@ApplicationScoped
public class AmqpConsumers {

    /** A received message and the channel that delivered it. */
    public static final class Delivery {
        private final AmqpConsumers owner;
        private final Channel channel;
        private final long tag;
        private final byte[] body;
        private final Map<String, Object> headers;

        Delivery(AmqpConsumers owner, Channel channel, long tag, byte[] body, Map<String, Object> headers) {
            this.owner = owner;
            this.channel = channel;
            this.tag = tag;
            this.body = body;
            this.headers = headers == null ? Map.of() : headers;
        }

        public byte[] body() {
            return body;
        }

        /** A header as text ({@code x-first-death-reason}), or null. */
        public String header(String name) {
            Object value = headers.get(name);
            return value == null ? null : value.toString();
        }

        /** Acknowledges on the delivering channel; a no-op once that channel is closed. */
        public void ack() {
            owner.settle(this, true);
        }

        /** Rejects without requeue (the queue dead-letters it) on the delivering channel; a no-op once it closed. */
        public void reject() {
            owner.settle(this, false);
        }

        Channel channel() {
            return channel;
        }
    }

    /** How one consumer is set up on every (re)connect. */
    public record Subscription(String name, String queue, int prefetch, Declarer declare,
            Consumer<Delivery> handler) {
    }

    /** Declares what a consumer's queue needs, on the consumer's channel. */
    @FunctionalInterface
    public interface Declarer {
        void declare(Channel channel) throws IOException;
    }

    /** Pause between connection attempts while the broker is unreachable. */
    static final java.time.Duration RECONNECT_INTERVAL = java.time.Duration.ofSeconds(2);

    private final ScrapeConfig config;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Map<String, Channel> channels = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong staleSettlements = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trawl-amqp-consumers");
        t.setDaemon(true);
        return t;
    });
    private volatile Connection connection;
    private volatile boolean stopping;
    private volatile boolean reconnectScheduled;

    public AmqpConsumers(ScrapeConfig config) {
        this.config = config;
    }

    /** Adds a consumer and (re)connects; every later reconnect sets it up again. */
    public void subscribe(Subscription subscription) {
        subscriptions.add(subscription);
        io.execute(() -> {
            Connection conn = connection;
            if (conn == null || !conn.isOpen()) {
                reconnectNow();
            } else if (!isConsuming(subscription.name())) {
                openConsumer(conn, subscription);
            }
        });
    }

    /** True when the connection and the named consumer's channel are open. */
    public boolean isConsuming(String name) {
        Connection conn = connection;
        Channel ch = channels.get(name);
        return conn != null && conn.isOpen() && ch != null && ch.isOpen();
    }

    /** Settlements dropped because the delivering channel had closed (the broker redelivers those). */
    public long staleSettlements() {
        return staleSettlements.get();
    }

    /** Connections opened so far (1 + reconnects). */
    public long connects() {
        return connects.get();
    }

    /** Closes every channel and the connection: unsettled deliveries go back to the queue. Idempotent. */
    public synchronized void close() {
        if (io.isShutdown()) {
            return;
        }
        stopping = true;
        io.execute(() -> BrokerConnections.closeQuietly(connection, "consumer"));
        io.shutdown();
        try {
            io.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        close();
    }

    private void settle(Delivery delivery, boolean ack) {
        try {
            io.execute(() -> {
                Channel ch = delivery.channel();
                if (!ch.isOpen()) {
                    staleSettlements.incrementAndGet();
                    Log.debugf("delivery %d of a closed channel not settled (the broker redelivers it)", delivery.tag);
                    return;
                }
                try {
                    if (ack) {
                        ch.basicAck(delivery.tag, false);
                    } else {
                        ch.basicReject(delivery.tag, false);
                    }
                } catch (IOException | RuntimeException e) {
                    staleSettlements.incrementAndGet();
                    Log.debugf("settling delivery %d failed (%s); the broker redelivers it", delivery.tag,
                            e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the connection closes and the broker redelivers
        }
    }

    private void reconnectNow() {
        reconnectScheduled = false;
        while (!stopping) {
            Connection old = connection;
            if (old != null && old.isOpen() && subscriptions.stream().allMatch(s -> isConsuming(s.name()))) {
                return;
            }
            if (old != null) {
                old.abort(1_000);
            }
            try {
                // Recovery is ours (new channel objects), so that no delivery tag outlives its channel.
                Connection conn = BrokerConnections.consumerFactory(config.rabbitmq())
                        .newConnection("scrape-service-consumers");
                connection = conn;
                connects.incrementAndGet();
                conn.addShutdownListener(cause -> onShutdown(cause, null));
                for (Subscription s : subscriptions) {
                    openConsumer(conn, s);
                }
                Log.infof("consuming from RabbitMQ %s:%d vhost %s (%d consumers)", config.rabbitmq().host(),
                        config.rabbitmq().port(), config.rabbitmq().vhost(), subscriptions.size());
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                Log.warnf("RabbitMQ %s:%d not reachable for consuming (%s); retrying in %s", config.rabbitmq().host(),
                        config.rabbitmq().port(), e.getMessage(), RECONNECT_INTERVAL);
                sleep(RECONNECT_INTERVAL.toMillis());
            }
        }
    }

    private void openConsumer(Connection conn, Subscription s) {
        try {
            Channel ch = conn.createChannel();
            s.declare().declare(ch);
            ch.basicQos(s.prefetch());
            ch.addShutdownListener(cause -> onShutdown(cause, s.name()));
            ch.basicConsume(s.queue(), false, "scrape-" + s.name() + "-" + java.util.UUID.randomUUID(),
                    new DefaultConsumer(ch) {
                        @Override
                        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                byte[] body) {
                            Delivery delivery = new Delivery(AmqpConsumers.this, ch, envelope.getDeliveryTag(), body,
                                    props.getHeaders());
                            try {
                                s.handler().accept(delivery);
                            } catch (RuntimeException e) {
                                Log.errorf(e, "%s consumer failed on a delivery; it is redelivered", s.name());
                            }
                        }
                    });
            channels.put(s.name(), ch);
        } catch (IOException | RuntimeException e) {
            Log.warnf("cannot open the %s consumer: %s", s.name(), e.getMessage());
            scheduleReconnect();
        }
    }

    private void onShutdown(ShutdownSignalException cause, String consumer) {
        if (stopping) {
            return;
        }
        Log.warnf("RabbitMQ %s closed: %s; reconnecting", consumer == null ? "consumer connection"
                : consumer + " channel", cause.getMessage());
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (stopping || reconnectScheduled) {
            return;
        }
        reconnectScheduled = true;
        try {
            io.execute(() -> {
                sleep(Math.min(500, RECONNECT_INTERVAL.toMillis()));
                reconnectNow();
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // stopping
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** trawl.tasks and its dead-letter exchange and queue: the shared topology, declared as every service does. */
    static void declareTasks(Channel ch) throws IOException {
        TopologyDeclarer.declare(ch);
    }

    /** trawl.tasks.browser, with the same arguments and dead-letter rules as trawl.tasks (the shared topology). */
    static void declareBrowserTasks(Channel ch) throws IOException {
        TopologyDeclarer.declare(ch);
    }

    /** trawl.tasks.dlx (direct) and trawl.tasks.dead bound to it (the shared topology). */
    static void declareDead(Channel ch) throws IOException {
        TopologyDeclarer.declare(ch);
    }
}
