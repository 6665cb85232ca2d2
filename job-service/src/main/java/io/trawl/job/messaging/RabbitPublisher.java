package io.trawl.job.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.trawl.common.message.TopologyDeclarer;
import io.trawl.job.config.TrawlConfig;
import io.trawl.support.BrokerConnections;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * job-service's connection to RabbitMQ: declares the topology and publishes persistent messages with
 * publisher confirms, {@code mandatory} where a message must reach a queue. A publish completes only when
 * the broker confirmed it; a nack, a return (unroutable), a lost connection or a missing confirm fails it,
 * so the caller can roll back and try again later. Uses the RabbitMQ Java client directly because the
 * SmallRye connector can neither publish {@code mandatory} nor report a per-message failure to the caller.
 */
@ApplicationScoped
public class RabbitPublisher {

    /** One message to publish. */
    public record Outgoing(String exchange, String routingKey, byte[] body, boolean mandatory, String type) {
    }

    /** The broker did not take a message: nacked, returned as unroutable, or the connection went away. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message) {
            super(message);
        }
    }

    private final TrawlConfig.Rabbitmq config;
    private final Timer confirmLatency;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trawl-amqp-publisher");
        t.setDaemon(true);
        return t;
    });
    private final NavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
    private final Map<String, Pending> byMessageId = new ConcurrentHashMap<>();
    private volatile Connection connection;
    private volatile Channel channel;
    private volatile boolean stopping;

    public RabbitPublisher(TrawlConfig config, MeterRegistry registry) {
        this.config = config.rabbitmq();
        this.confirmLatency = Timer.builder("trawl.rabbitmq.publish.latency")
                .description("Time from publish to broker confirm of a batch")
                .publishPercentileHistogram()
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        io.execute(this::connectUntilUp);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        io.execute(() -> BrokerConnections.closeQuietly(connection, "publishing"));
        io.shutdown();
    }

    /** True when a channel is open and messages can be published. */
    public boolean isReady() {
        Channel ch = channel;
        return ch != null && ch.isOpen();
    }

    /**
     * Ready (not yet delivered) messages in {@code queue}, from a passive declare on the publishing channel;
     * fails when the broker is not connected. Delivered on the caller's Vert.x context.
     */
    public Uni<Long> readyMessages(String queue) {
        Context context = Vertx.currentContext();
        CompletableFuture<Long> count = CompletableFuture.supplyAsync(() -> {
            Channel ch = channel;
            if (ch == null || !ch.isOpen()) {
                throw new PublishException("RabbitMQ is not connected");
            }
            try {
                return ch.messageCount(queue);
            } catch (IOException | RuntimeException e) {
                throw new PublishException("cannot read the depth of " + queue + ": " + e.getMessage());
            }
        }, io).orTimeout(config.confirmTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Uni<Long> result = Uni.createFrom().completionStage(count).onFailure().transform(RabbitPublisher::unwrap);
        return context == null ? result : result.emitOn(command -> context.runOnContext(v -> command.run()));
    }

    public Uni<Void> publish(Outgoing message) {
        return publishAll(List.of(message));
    }

    /**
     * Publishes every message (persistent, in order) and completes when the broker confirmed all of them.
     * Fails with {@link PublishException} if any was nacked or returned, on a lost connection, or when the
     * confirms do not arrive within the configured timeout. The result is delivered on the caller's
     * Vert.x context.
     */
    public Uni<Void> publishAll(List<Outgoing> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Context context = Vertx.currentContext();
        long started = System.nanoTime();
        CompletableFuture<Void> confirmed = CompletableFuture
                .supplyAsync(() -> send(messages), io)
                .thenCompose(futures -> CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)))
                .orTimeout(config.confirmTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Uni<Void> result = Uni.createFrom().completionStage(confirmed)
                .onFailure().transform(RabbitPublisher::unwrap)
                .invoke(() -> confirmLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS))
                .replaceWithVoid();
        return context == null ? result : result.emitOn(command -> context.runOnContext(v -> command.run()));
    }

    private List<CompletableFuture<Void>> send(List<Outgoing> messages) {
        Channel ch = channel;
        if (ch == null || !ch.isOpen()) {
            throw new PublishException("RabbitMQ is not connected");
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>(messages.size());
        try {
            for (Outgoing m : messages) {
                String id = UUID.randomUUID().toString();
                Pending pending = new Pending(id);
                long seq = ch.getNextPublishSeqNo();
                outstanding.put(seq, pending);
                byMessageId.put(id, pending);
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .messageId(id)
                        .type(m.type())
                        .timestamp(new java.util.Date())
                        .build();
                ch.basicPublish(m.exchange(), m.routingKey(), m.mandatory(), props, m.body());
                futures.add(pending.future);
            }
        } catch (IOException | RuntimeException e) {
            throw new PublishException("publish failed: " + e.getMessage());
        }
        return futures;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof TimeoutException) {
            return new PublishException("no publisher confirm within the timeout");
        }
        return cause;
    }

    private void connectUntilUp() {
        while (!stopping && connection == null) {
            try {
                connect();
            } catch (IOException | TimeoutException | RuntimeException e) {
                Log.warnf("RabbitMQ %s:%d not reachable (%s); retrying in %s", config.host(), config.port(),
                        e.getMessage(), config.reconnectInterval());
                try {
                    Thread.sleep(config.reconnectInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void connect() throws IOException, TimeoutException {
        ConnectionFactory factory = BrokerConnections.factory(config);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(config.reconnectInterval().toMillis());
        factory.setRequestedHeartbeat(10);
        factory.setConnectionTimeout(5_000);
        Connection conn = factory.newConnection("job-service");
        try {
            this.channel = openChannel(conn);
        } catch (IOException | RuntimeException e) {
            conn.abort(1_000);
            throw e;
        }
        this.connection = conn;
        if (conn instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                    Log.infof("RabbitMQ connection recovered");
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) {
                    Log.warnf("RabbitMQ connection lost; recovering");
                }
            });
        }
        Log.infof("connected to RabbitMQ %s:%d vhost %s", config.host(), config.port(), config.vhost());
    }

    private Channel openChannel(Connection conn) throws IOException {
        Channel ch = conn.createChannel();
        ch.confirmSelect();
        TopologyDeclarer.declare(ch);
        ch.addConfirmListener((tag, multiple) -> settle(tag, multiple, null),
                (tag, multiple) -> settle(tag, multiple, "nacked by the broker"));
        ch.addReturnListener(returned -> {
            Pending p = byMessageId.get(returned.getProperties().getMessageId());
            if (p != null) {
                p.returned = "unroutable (" + returned.getReplyCode() + " " + returned.getReplyText() + ") to "
                        + returned.getExchange() + "/" + returned.getRoutingKey();
            }
        });
        ch.addShutdownListener(cause -> {
            failOutstanding(cause);
            if (!cause.isHardError() && !stopping) {
                // A channel error (not a lost connection) is not recovered by the client: open a new channel.
                io.execute(() -> reopenChannel(conn));
            }
        });
        return ch;
    }

    private void reopenChannel(Connection conn) {
        while (!stopping && conn.isOpen() && (channel == null || !channel.isOpen())) {
            try {
                channel = openChannel(conn);
                Log.infof("RabbitMQ publishing channel reopened");
            } catch (IOException | RuntimeException e) {
                Log.warnf("cannot reopen RabbitMQ channel: %s", e.getMessage());
                try {
                    Thread.sleep(config.reconnectInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void settle(long tag, boolean multiple, String nackReason) {
        Map<Long, Pending> settled = multiple ? outstanding.headMap(tag, true) : subMapOf(tag);
        for (Map.Entry<Long, Pending> e : List.copyOf(settled.entrySet())) {
            outstanding.remove(e.getKey());
            Pending p = e.getValue();
            byMessageId.remove(p.id);
            if (nackReason != null) {
                p.future.completeExceptionally(new PublishException(nackReason));
            } else if (p.returned != null) {
                p.future.completeExceptionally(new PublishException(p.returned));
            } else {
                p.future.complete(null);
            }
        }
    }

    private Map<Long, Pending> subMapOf(long tag) {
        Pending p = outstanding.get(tag);
        return p == null ? Map.of() : Map.of(tag, p);
    }

    private void failOutstanding(ShutdownSignalException cause) {
        if (!stopping) {
            Log.warnf("RabbitMQ channel closed: %s", cause.getMessage());
        }
        for (Long tag : List.copyOf(outstanding.keySet())) {
            Pending p = outstanding.remove(tag);
            if (p != null) {
                byMessageId.remove(p.id);
                p.future.completeExceptionally(new PublishException("connection to RabbitMQ lost before confirm"));
            }
        }
    }

    private static final class Pending {
        final String id;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        volatile String returned;

        Pending(String id) {
            this.id = id;
        }
    }
}
